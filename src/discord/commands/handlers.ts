/**
 * What each slash command does. Handlers throw on failure; the interaction entry point in bot.ts
 * is the one place that turns an error into what the user sees.
 */
import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from "discord.js";
import { refuseQuestion, runAsk } from "../../chat/ask-flow.js";
import type { ReplyTarget } from "../../chat/ports.js";
import { createThrottledEditor } from "../../chat/throttle.js";
import { detectLanguage, languageFromLocale } from "../../text/language.js";
import { normaliseQuestion } from "../../text/question.js";
import { noMentions } from "../client.js";
import type { BotContext } from "../context.js";
import { LIMITS } from "../limits.js";
import { MESSAGES } from "../messages.js";
import { discordRenderer, type OutgoingMessage, renderHelp, renderSources } from "../render.js";
import { addArticle, removeArticle } from "./articles.js";
import type { CommandName } from "./registry.js";

export type CommandHandler = (interaction: ChatInputCommandInteraction, ctx: BotContext) => Promise<void>;

/** An ephemeral short reply: help, refusals, cooldowns. Needs no deferral, being the first and only ack. */
function replyPrivately(interaction: ChatInputCommandInteraction, content: string): Promise<unknown> {
  return interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: noMentions() });
}

/** The deferred reply is the first message; further parts are follow-ups. */
export function interactionTarget(interaction: ChatInputCommandInteraction): ReplyTarget<OutgoingMessage> {
  return {
    showText: (content) => interaction.editReply({ content, allowedMentions: noMentions() }),
    edit: async (message) => {
      const sent = await interaction.editReply({ ...message, allowedMentions: noMentions() });
      return { id: sent.id };
    },
    followUp: async (message) => {
      const sent = await interaction.followUp({ ...message, allowedMentions: noMentions() });
      return { id: sent.id };
    },
  };
}

const ask: CommandHandler = async (interaction, ctx) => {
  const receivedAt = ctx.clock();
  const question = interaction.options.getString("question", true).trim();
  // Empty once normalised (only pings, links or invisible characters): the user's locale decides.
  const { text } = normaliseQuestion(question);
  const lang = text ? detectLanguage(text) : languageFromLocale(interaction.locale);
  // Everything before deferReply is synchronous, so the acknowledgement goes out at once.
  if (!text) {
    await replyPrivately(interaction, MESSAGES[lang].emptyQuestion);
    return;
  }
  const refusal = refuseQuestion(question, interaction.user.id, lang, ctx);
  if (refusal !== null) {
    await replyPrivately(interaction, refusal);
    return;
  }
  // Deferred before queueing: the 3 s acknowledgement deadline must not depend on the queue.
  await interaction.deferReply();
  await runAsk(
    {
      answerId: interaction.id,
      question,
      history: [],
      userId: interaction.user.id,
      receivedAt,
      command: "ask",
    },
    { renderer: discordRenderer, target: interactionTarget(interaction) },
    ctx,
  );
};

const sources: CommandHandler = async (interaction, ctx) => {
  const lang = languageFromLocale(interaction.locale);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const summary = await ctx.describeIndex();
  await interaction.editReply({
    content: "",
    embeds: [renderSources(summary, lang)],
    allowedMentions: noMentions(),
  });
};

const help: CommandHandler = async (interaction, ctx) => {
  const lang = languageFromLocale(interaction.locale);
  const { maxQuestionLength, cooldownSeconds } = ctx.config.chat;
  await interaction.reply({
    embeds: [renderHelp(lang, maxQuestionLength, cooldownSeconds, ctx.modelProblems)],
    flags: MessageFlags.Ephemeral,
    allowedMentions: noMentions(),
  });
};

/** The last lines of progress that fit one message. */
function progressText(header: string, lines: string[]): string {
  let text = header;
  for (let i = Math.max(0, lines.length - 15); i < lines.length; i += 1) text += `\n${lines[i]}`;
  return text.length <= LIMITS.content ? text : `…${text.slice(text.length - LIMITS.content + 1)}`;
}

const reindex: CommandHandler = async (interaction, ctx) => {
  const lang = languageFromLocale(interaction.locale);
  const t = MESSAGES[lang];
  // default_member_permissions only hides the command; server admins can override it, so check again.
  if (!interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    ctx.logger.warn(
      { command: "reindex", userId: interaction.user.id },
      "reindex refused: missing Manage Server",
    );
    await replyPrivately(interaction, t.reindexRefused);
    return;
  }
  if (ctx.reindexing.running) {
    await replyPrivately(interaction, t.reindexBusy);
    return;
  }
  ctx.reindexing.running = true;
  try {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    ctx.logger.info({ command: "reindex", userId: interaction.user.id }, "reindex started");
    const lines: string[] = [];
    const editor = createThrottledEditor(
      (content) => interaction.editReply({ content, allowedMentions: noMentions() }),
      {
        intervalMs: ctx.options.streamIntervalMs,
        clock: ctx.clock,
        onError: (err) => ctx.logger.warn({ err, command: "reindex" }, "progress edit failed"),
      },
    );
    editor.push(t.reindexStarted);
    let summary: string;
    try {
      summary = await ctx.reindex((line) => {
        lines.push(line);
        editor.push(progressText(t.reindexStarted, lines));
      });
    } finally {
      await editor.stop();
    }
    ctx.logger.info({ command: "reindex", userId: interaction.user.id, summary }, "reindex finished");
    await interaction.editReply({
      content: progressText(t.reindexDone(summary), []),
      allowedMentions: noMentions(),
    });
  } finally {
    ctx.reindexing.running = false;
  }
};

/** Typed against COMMAND_NAMES: a definition without a handler does not compile. */
export const COMMAND_HANDLERS: Record<CommandName, CommandHandler> = {
  ask,
  sources,
  help,
  reindex,
  addarticle: addArticle,
  removearticle: removeArticle,
};
