/**
 * Questions asked by @mentioning the bot in a channel or thread, or by DM. The answer is a reply
 * to the question; a question that replies to an earlier exchange, or that is asked in a thread,
 * carries that conversation as history so the answerer can resolve "and what about cost?".
 */
import type { Message } from "discord.js";
import { refuseQuestion, runAsk } from "../chat/ask-flow.js";
import {
  DEFAULT_HISTORY,
  type HistoryMessage,
  historyFromReplyChain,
  historyFromThread,
} from "../chat/history.js";
import type { ReplyTarget } from "../chat/ports.js";
import { detectLanguage } from "../text/language.js";
import { normaliseQuestion } from "../text/question.js";
import type { ConversationTurn } from "../types.js";
import { noMentions } from "./client.js";
import type { BotContext } from "./context.js";
import { MESSAGES } from "./messages.js";
import { discordRenderer, type OutgoingMessage } from "./render.js";

/** Whether a message is addressed to the bot: a DM, or a mention of the bot (not @everyone, not a role). */
export function isAddressedToBot(message: Message, selfId: string): boolean {
  if (message.author.bot || message.webhookId !== null || message.system) return false;
  if (!message.inGuild()) return true;
  return message.mentions.users.has(selfId);
}

/**
 * The question as shown back to its author: the message without the bot's own mention(s), which
 * only addressed it. Everything else the author wrote stays for display; what the answer reads is
 * normaliseQuestion's (src/text/question.ts), which removes every other mention too.
 */
export function stripBotMention(content: string, selfId: string): string {
  return content
    .replace(new RegExp(`<@!?${selfId}>`, "g"), " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The parts of a message that history needs: for the bot's own, only the answer shown in embeds. */
export function toHistoryMessage(message: Message, selfId: string): HistoryMessage {
  const fromSelf = message.author.id === selfId;
  // A user's message is passed as written: the chat layer reads earlier questions like new ones.
  const text = fromSelf
    ? message.embeds.map((e) => e.description ?? "").join("\n")
    : message.author.bot
      ? ""
      : message.content;
  const referenceId =
    message.reference?.messageId && message.reference.channelId === message.channelId
      ? message.reference.messageId
      : undefined;
  return { id: message.id, fromSelf, text, ...(referenceId ? { referenceId } : {}) };
}

/**
 * The bot's reply to a question message. The first edit posts the reply; later edits change it;
 * further parts reply to the previous part, so the reply chain runs through the whole answer.
 */
export class MessageReplyTarget implements ReplyTarget<OutgoingMessage> {
  #first: Message | null = null;
  #last: Message | null = null;

  constructor(private readonly question: Message) {}

  async showText(content: string): Promise<void> {
    await this.edit({ content });
  }

  async edit(message: Partial<OutgoingMessage> & { content: string }): Promise<{ id: string }> {
    if (!this.#first) {
      const sent = await this.question.reply({ ...message, allowedMentions: noMentions() });
      this.#first = sent;
      this.#last = sent;
      return { id: sent.id };
    }
    const edited = await this.#first.edit({ ...message, allowedMentions: noMentions() });
    return { id: edited.id };
  }

  async followUp(message: OutgoingMessage): Promise<{ id: string }> {
    const previous = this.#last ?? this.question;
    const sent = await previous.reply({ ...message, allowedMentions: noMentions() });
    this.#last = sent;
    return { id: sent.id };
  }

  /** A short text in place of an answer (help, cooldown, error): clears anything shown before. */
  async say(content: string): Promise<void> {
    await this.edit({ content, embeds: [], components: [] });
  }
}

async function collectHistory(
  message: Message,
  ctx: BotContext,
  selfId: string,
): Promise<ConversationTurn[]> {
  const opts = {
    store: ctx.store,
    maxDepth: ctx.options.historyDepth,
    maxTurns: DEFAULT_HISTORY.maxTurns,
    maxTurnChars: DEFAULT_HISTORY.maxTurnChars,
  };
  const referenceId = toHistoryMessage(message, selfId).referenceId;
  if (referenceId) {
    return historyFromReplyChain(
      referenceId,
      async (id) => toHistoryMessage(await message.channel.messages.fetch(id), selfId),
      opts,
    );
  }
  if (message.channel.isThread()) {
    const recent = await message.channel.messages.fetch({
      limit: ctx.options.threadHistoryMessages,
      before: message.id,
    });
    const oldestFirst = [...recent.values()].sort(
      (a, b) => a.createdTimestamp - b.createdTimestamp || (a.id < b.id ? -1 : 1),
    );
    return historyFromThread(
      oldestFirst.map((m) => toHistoryMessage(m, selfId)),
      opts,
    );
  }
  return [];
}

/** Answers a message addressed to the bot. Throws on failure; the caller decides what the user sees. */
export async function handleMention(
  message: Message,
  ctx: BotContext,
  target: MessageReplyTarget,
): Promise<void> {
  const receivedAt = ctx.clock();
  const selfId = message.client.user.id;
  const question = stripBotMention(message.content, selfId);
  // Empty once normalised (only pings, links, emoji or invisible characters): nothing to answer.
  // A message carries no locale, so the help comes in both languages.
  const { text } = normaliseQuestion(question);
  if (!text) {
    await target.say(`${MESSAGES.zh.emptyQuestion}\n${MESSAGES.en.emptyQuestion}`);
    return;
  }
  const lang = detectLanguage(text);
  const refusal = refuseQuestion(question, message.author.id, lang, ctx);
  if (refusal !== null) {
    await target.say(refusal);
    return;
  }
  // The placeholder reply is the acknowledgement; history is fetched after it, not before.
  await target.showText(MESSAGES[lang].thinking);
  let history: ConversationTurn[] = [];
  try {
    history = await collectHistory(message, ctx, selfId);
  } catch (err) {
    ctx.logger.warn(
      { err, command: "mention", userId: message.author.id },
      "could not read conversation history",
    );
  }
  const parentMessageId = toHistoryMessage(message, selfId).referenceId;
  await runAsk(
    {
      answerId: message.id,
      question,
      history,
      userId: message.author.id,
      receivedAt,
      command: "mention",
      ...(parentMessageId ? { parentMessageId } : {}),
    },
    { renderer: discordRenderer, target },
    ctx,
  );
}
