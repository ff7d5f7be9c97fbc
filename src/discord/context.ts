/** What every Discord handler receives: the shared chat state plus what only the Discord bot needs. */
import type { ChatContext, ChatOptions } from "../chat/context.js";
import { DEFAULT_CHAT_OPTIONS } from "../chat/context.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { IndexSummary, QuestionAnswerer } from "../types.js";
import type { ArticleDeps } from "./commands/articles.js";

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
  /** Problems with the configured Ollama models found at start-up; /help shows them. */
  modelProblems?: string[];
  /** For /addarticle and /removearticle; without it they reply that they are not enabled. */
  articles?: ArticleDeps;
}

export interface BotOptions extends ChatOptions {
  /** Messages fetched at most when walking a reply chain. */
  historyDepth: number;
  /** Recent messages read from a thread for a follow-up. */
  threadHistoryMessages: number;
  /** How long stop() lets answers in flight finish before aborting them. */
  shutdownTimeoutMs: number;
}

export const DEFAULT_BOT_OPTIONS: BotOptions = {
  ...DEFAULT_CHAT_OPTIONS,
  historyDepth: 4,
  threadHistoryMessages: 10,
  shutdownTimeoutMs: 30_000,
};

export interface BotContext extends ChatContext {
  config: Config;
  options: BotOptions;
  describeIndex(): Promise<IndexSummary>;
  reindex(onProgress: (line: string) => void): Promise<string>;
  isClosing(): boolean;
  /** Only one /reindex at a time. */
  reindexing: { running: boolean };
  modelProblems: string[];
  articles?: ArticleDeps;
}
