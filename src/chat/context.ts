/**
 * The state every front end shares for answering: one queue, one cooldown, one answer store and
 * one feedback log per bot, sized by `config.chat`. A front end's own context (Discord's
 * BotContext) extends ChatContext with what only it needs.
 */
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { QuestionAnswerer } from "../types.js";
import { AnswerStore } from "./answer-store.js";
import { Cooldown } from "./cooldown.js";
import { FeedbackLog } from "./feedback.js";
import { AnswerQueue } from "./queue.js";

export interface ChatOptions {
  /** Minimum time between edits of one message while streaming (Discord: about one per second). */
  streamIntervalMs: number;
  /** Answers kept for buttons and follow-ups. */
  answerCacheSize: number;
}

export const DEFAULT_CHAT_OPTIONS: ChatOptions = { streamIntervalMs: 1000, answerCacheSize: 500 };

export interface ChatContext {
  config: Pick<Config, "chat">;
  logger: Logger;
  answerer: QuestionAnswerer;
  clock: () => number;
  options: ChatOptions;
  queue: AnswerQueue;
  cooldown: Cooldown;
  store: AnswerStore;
  feedback: FeedbackLog;
  /** Aborted when a shutdown's grace period ends: answers still running give up. */
  signal: AbortSignal;
}

export interface ChatDeps {
  config: Pick<Config, "chat">;
  logger: Logger;
  answerer: QuestionAnswerer;
  signal: AbortSignal;
  clock?: () => number;
  options?: Partial<ChatOptions>;
}

export function createChatContext(deps: ChatDeps): ChatContext {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const options = { ...DEFAULT_CHAT_OPTIONS, ...deps.options };
  return {
    config,
    logger: deps.logger,
    answerer: deps.answerer,
    clock,
    options,
    queue: new AnswerQueue(config.chat.answerConcurrency),
    cooldown: new Cooldown(config.chat.cooldownSeconds, clock),
    store: new AnswerStore(options.answerCacheSize),
    feedback: new FeedbackLog(config.chat.feedbackFile),
    signal: deps.signal,
  };
}
