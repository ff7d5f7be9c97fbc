/**
 * What the ingest child process runs (src/ingest/ingest-worker.mjs loads this module): the same
 * pipeline an in-process ingest runs, built from the app's settings, with progress, log records,
 * the summary and any error sent to the bot as messages. The child makes its own embedder and
 * tokenizer from the settings: objects with methods cannot cross a process.
 */
import type { Config } from "../config.js";
import { createEmbeddings } from "../embed/index.js";
import { isUserError, type UserErrorCode } from "../errors.js";
import { createLogger } from "../logger.js";
import { OllamaClient } from "../ollama/client.js";
import { sharedTokenizer } from "../text/tokenizer.js";
import { ingest, ingestSettings } from "./pipeline.js";
import type { IngestSummary } from "./summary.js";

/** The child's input (its first message): plain data. */
export interface IngestJob {
  config: Config;
  full: boolean;
  /** Publish even an empty corpus (ingest --allow-empty). */
  allowEmpty?: boolean;
  /** The bot's log level: records below it are not worth sending across. */
  logLevel: string;
}

export type IngestWorkerMessage =
  /** The child has started and waits for its job. */
  | { type: "ready" }
  | { type: "progress"; done: number; total: number }
  /** One pino record as JSON, re-logged by the bot's logger. */
  | { type: "log"; line: string }
  | { type: "done"; summary: IngestSummary }
  | { type: "error"; message: string; code?: UserErrorCode; stack?: string };

export async function runIngestJob(job: IngestJob, post: (m: IngestWorkerMessage) => void): Promise<void> {
  const { config } = job;
  const logger = createLogger(job.logLevel, {
    destination: { write: (line: string) => post({ type: "log", line }) },
  });
  try {
    const tokenizer = sharedTokenizer();
    const ollama = new OllamaClient({ host: config.ollama.host, timeoutMs: config.ollama.timeoutMs });
    const embeddings = createEmbeddings(config, { tokenizer, logger, ollama });
    const summary = await ingest({
      ...ingestSettings(config),
      embeddings,
      tokenizer,
      logger,
      full: job.full,
      ...(job.allowEmpty ? { allowEmpty: true } : {}),
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
