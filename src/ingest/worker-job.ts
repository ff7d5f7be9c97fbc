/**
 * What the ingest worker thread runs (src/ingest/ingest-worker.mjs loads this module): the same
 * pipeline an in-thread ingest runs, built from the app's settings, with progress, log records,
 * the summary and any error sent to the main thread as messages. The worker makes its own
 * embedder and tokenizer from the settings: objects with methods cannot cross a thread.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import type { Config } from "../config.js";
import { createEmbeddings } from "../embed/index.js";
import { isUserError, type UserErrorCode } from "../errors.js";
import { createLogger } from "../logger.js";
import { OllamaClient } from "../ollama/client.js";
import { sharedTokenizer } from "../text/tokenizer.js";
import { ingest } from "./pipeline.js";
import type { IngestSummary } from "./summary.js";

/** The worker's input (workerData): plain data, copied into the worker. */
export interface IngestJob {
  config: Config;
  full: boolean;
  /** The main thread's log level: records below it are not worth sending across. */
  logLevel: string;
}

export type IngestWorkerMessage =
  | { type: "progress"; done: number; total: number }
  /** One pino record as JSON, re-logged by the main thread's logger. */
  | { type: "log"; line: string }
  | { type: "done"; summary: IngestSummary }
  | { type: "error"; message: string; code?: UserErrorCode; stack?: string };

/** Linux niceness of the ingest thread: below the bot's thread (0), which must answer first. */
const INGEST_NICENESS = 10;

/**
 * Lowers this thread's scheduling priority, so that on a machine with few cores the bot's own
 * thread gets a core at once when an event arrives. Linux schedules threads one by one and a
 * thread's id comes from /proc/thread-self; threads this one starts (the passage and HNSW
 * workers) inherit the priority. Elsewhere this does nothing: the worker still runs, only
 * without the lower priority.
 */
export function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, INGEST_NICENESS);
  } catch {
    // Not Linux, or not allowed: the ingest runs at the normal priority.
  }
}

export async function runIngestJob(job: IngestJob, post: (m: IngestWorkerMessage) => void): Promise<void> {
  const { config } = job;
  lowerThisThreadsPriority();
  const logger = createLogger(job.logLevel, {
    destination: { write: (line: string) => post({ type: "log", line }) },
  });
  try {
    const tokenizer = sharedTokenizer();
    const ollama = new OllamaClient({ host: config.ollama.host, timeoutMs: config.ollama.timeoutMs });
    const embeddings = createEmbeddings(config, { tokenizer, logger, ollama });
    const summary = await ingest({
      corpusDir: config.corpusDir,
      indexDir: config.indexDir,
      chunking: config.chunking,
      embeddings,
      tokenizer,
      logger,
      full: job.full,
      onProgress: ({ done, total }) => post({ type: "progress", done, total }),
    });
    post({ type: "done", summary });
  } catch (err) {
    const e = err as Error;
    post({
      type: "error",
      message: e?.message ?? String(err),
      ...(isUserError(err) ? { code: err.code } : {}),
      ...(e?.stack ? { stack: e.stack } : {}),
    });
  }
}
