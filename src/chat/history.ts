/**
 * Conversation history for follow-up questions, from a reply chain or from a thread's recent
 * messages. Both walks are bounded by the limits the caller passes (depth, turns, characters per
 * turn), and the bot's own answers are taken from the answer store when it still has them, since
 * a front end may show an answer in rich blocks (Discord: embeds) and split over several messages.
 */
import { normaliseQuestion } from "../text/question.js";
import type { ConversationTurn } from "../types.js";
import type { AnswerStore } from "./answer-store.js";
import { truncate } from "./truncate.js";

/** The parts of a message history needs; each front end builds it from its own messages. */
export interface HistoryMessage {
  id: string;
  /** Written by this bot. */
  fromSelf: boolean;
  /** The question as written (normalised here, like any question), or, for the bot, the answer text shown (embed descriptions). */
  text: string;
  /** The message this one replies to. */
  referenceId?: string;
}

export interface HistoryOptions {
  store: AnswerStore;
  /** Messages fetched at most when walking a reply chain. */
  maxDepth: number;
  /** Turns kept (the newest). */
  maxTurns: number;
  maxTurnChars: number;
}

/** Limits that keep a follow-up's prompt small whatever the front end; the walk depth is the caller's. */
export const DEFAULT_HISTORY = { maxTurns: 6, maxTurnChars: 1500 } as const;

class TurnList {
  /** Oldest first. */
  readonly turns: ConversationTurn[] = [];

  add(role: ConversationTurn["role"], content: string): void {
    // Earlier questions are read like the new one, so a follow-up is resolved against the
    // question that was answered, not its mentions, links or markup.
    const text = role === "user" ? normaliseQuestion(content).text : content.trim();
    if (!text) return;
    const last = this.turns[this.turns.length - 1];
    // A long answer arrives as several messages: they are one turn.
    if (last && last.role === role) last.content = `${last.content}\n${text}`;
    else this.turns.push({ role, content: text });
  }

  finish(opts: HistoryOptions): ConversationTurn[] {
    return this.turns
      .slice(-opts.maxTurns)
      .map((t) => ({ role: t.role, content: truncate(t.content, opts.maxTurnChars) }));
  }
}

/**
 * Walks up a reply chain starting at `startId` (the message the new question replies to) and
 * returns the turns oldest first. A fetch that fails ends the walk: history is a bonus, never a
 * reason not to answer.
 */
export async function historyFromReplyChain(
  startId: string,
  fetchMessage: (id: string) => Promise<HistoryMessage | null>,
  opts: HistoryOptions,
): Promise<ConversationTurn[]> {
  const newestFirst: ConversationTurn[] = [];
  const seen = new Set<string>();
  let id: string | undefined = startId;
  for (let depth = 0; id !== undefined && depth < opts.maxDepth && !seen.has(id); depth += 1) {
    seen.add(id);
    const record = opts.store.byMessageId(id);
    if (record) {
      // The store knows the whole exchange, so the question message need not be fetched.
      newestFirst.push({ role: "assistant", content: record.result.answer });
      newestFirst.push({ role: "user", content: record.question });
      id = record.parentMessageId;
      continue;
    }
    const msg = await fetchMessage(id).catch(() => null);
    if (!msg) break;
    newestFirst.push({ role: msg.fromSelf ? "assistant" : "user", content: msg.text });
    id = msg.referenceId;
  }
  const list = new TurnList();
  for (const turn of newestFirst.reverse()) list.add(turn.role, turn.content);
  return list.finish(opts);
}

/** Turns from a thread's recent messages (oldest first), excluding the new question itself. */
export function historyFromThread(messages: HistoryMessage[], opts: HistoryOptions): ConversationTurn[] {
  const list = new TurnList();
  const used = new Set<string>();
  for (const msg of messages) {
    if (!msg.fromSelf) {
      list.add("user", msg.text);
      continue;
    }
    const record = opts.store.byMessageId(msg.id);
    if (!record) {
      list.add("assistant", msg.text);
      continue;
    }
    if (used.has(record.id)) continue;
    used.add(record.id);
    const last = list.turns[list.turns.length - 1];
    if (!(last?.role === "user" && last.content.endsWith(normaliseQuestion(record.question).text)))
      list.add("user", record.question);
    list.add("assistant", record.result.answer);
  }
  return list.finish(opts);
}
