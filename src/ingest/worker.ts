/**
 * Ingest on a worker thread. An ingest is seconds to minutes of CPU (embedding, tokenising, the
 * HNSW build, writing); on the bot's own thread it would stop the event loop for as long, and
 * with it gateway heartbeats and the 3-second interaction acknowledgements. The worker runs the
 * unchanged pipeline (src/ingest/worker-job.ts) and reports back by message; the main thread
 * only relays progress and log records. A worker that fails or dies leaves CURRENT naming the
 * previous build (publishing is the last, atomic step), so the bot keeps answering from it.
 */
import { Worker } from "node:worker_threads";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { IngestProgress, IngestSummary } from "./summary.js";
import type { IngestJob, IngestWorkerMessage } from "./worker-job.js";

/** The ingest worker failed for a reason that is not the user's to fix (a bug, a crash). */
export class IngestWorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IngestWorkerError";
  }
}

const LEVELS: Record<number, "trace" | "debug" | "info" | "warn" | "error" | "fatal"> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

/** A record the worker logged, logged again here so it reaches the app's own log destination. */
function relog(logger: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.info({ thread: "ingest" }, line.trim());
    return;
  }
  const { level, msg, time: _time, ...rest } = record;
  const method = LEVELS[Number(level)] ?? "info";
  logger[method]({ ...rest, thread: "ingest" }, typeof msg === "string" ? msg : "");
}

const WORKER_URL = new URL("./ingest-worker.mjs", import.meta.url);

/**
 * Starts ingest workers, one at a time. The ingest lock (src/store/lock.ts) tells processes
 * apart by pid, and every thread of this process has the same one, so a second worker here
 * would take the first one's lock for a stale one: this runner refuses it instead.
 */
export class IngestWorkerRunner {
  private running: { worker: Worker; since: string } | null = null;

  constructor(private readonly logger: Logger) {}

  run(job: IngestJob, onProgress?: (progress: IngestProgress) => void): Promise<IngestSummary> {
    if (this.running) {
      return Promise.reject(
        new UserError(
          "ingest-locked",
          `another ingest (this process, started ${this.running.since}) is running on this index; wait for it to finish`,
        ),
      );
    }
    const worker = new Worker(WORKER_URL, { workerData: job });
    this.running = { worker, since: new Date().toISOString() };
    return new Promise<IngestSummary>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.running = null;
        // The summary or the error is in, and the lock released: whatever the worker still
        // holds open (an HTTP keep-alive socket to Ollama) must not keep a thread per ingest.
        void worker.terminate();
        outcome();
      };
      worker.on("message", (m: IngestWorkerMessage) => {
        if (m.type === "progress") onProgress?.({ done: m.done, total: m.total });
        else if (m.type === "log") relog(this.logger, m.line);
        else if (m.type === "done") finish(() => resolve(m.summary));
        else if (m.type === "error") {
          const err = m.code
            ? new UserError(m.code, m.message)
            : new IngestWorkerError(`ingest failed: ${m.message}`);
          if (m.stack && !m.code) err.stack = m.stack;
          finish(() => reject(err));
        }
      });
      worker.once("error", (err) =>
        finish(() =>
          reject(new IngestWorkerError(`the ingest worker crashed: ${err.message}`, { cause: err })),
        ),
      );
      worker.once("exit", (code) =>
        finish(() =>
          reject(
            new IngestWorkerError(
              `the ingest worker stopped (exit code ${code}) before publishing; the previous index is still in use`,
            ),
          ),
        ),
      );
    });
  }

  /** Stops a running ingest; its build is never published, the previous one stays current. */
  async close(): Promise<void> {
    await this.running?.worker.terminate();
  }
}
