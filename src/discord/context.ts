/** What every handler receives: injected dependencies plus the bot's shared, bounded state. */
import type { Logger } from "pino";
import type { AnswerStore } from "../chat/answer-store.js";
import type { Cooldown } from "../chat/cooldown.js";
import type { FeedbackLog } from "../chat/feedback.js";
import type { AnswerQueue } from "../chat/queue.js";
import type { Config } from "../config.js";
import type { IndexSummary, QuestionAnswerer } from "../types.js";

export interface BotDeps {
  config: Config;
  logger: Logger;
  answerer: QuestionAnswerer;
  /** For /sources. */
  describeIndex(): Promise<IndexSummary>;
  /** For /reindex: runs the incremental ingest, reporting lines of progress; returns a one-line summary. */
  reindex(onProgress: (line: string) => void): Promise<string>;
  clock?: () => number;
  options?: Partial<BotOptions>;
}

export interface BotOptions {
  /** Minimum time between edits of one message while streaming (Discord: about one per second). */
  streamIntervalMs: number;
  /** Answers kept for buttons and follow-ups. */
  answerCacheSize: number;
  /** Messages fetched at most when walking a reply chain. */
  historyDepth: number;
  /** Recent messages read from a thread for a follow-up. */
  threadHistoryMessages: number;
  /** How long stop() lets answers in flight finish before aborting them. */
  shutdownTimeoutMs: number;
}

export const DEFAULT_BOT_OPTIONS: BotOptions = {
  streamIntervalMs: 1000,
  answerCacheSize: 500,
  historyDepth: 4,
  threadHistoryMessages: 10,
  shutdownTimeoutMs: 30_000,
};

export interface BotContext {
  config: Config;
  logger: Logger;
  answerer: QuestionAnswerer;
  describeIndex(): Promise<IndexSummary>;
  reindex(onProgress: (line: string) => void): Promise<string>;
  clock: () => number;
  options: BotOptions;
  queue: AnswerQueue;
  cooldown: Cooldown;
  store: AnswerStore;
  feedback: FeedbackLog;
  /** Aborted when a shutdown's grace period ends: answers still running give up. */
  signal: AbortSignal;
  isClosing(): boolean;
  /** Only one /reindex at a time. */
  reindexing: { running: boolean };
}
