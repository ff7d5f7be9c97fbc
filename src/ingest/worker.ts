/**
 * Ingest in a child process. An ingest is seconds to minutes of CPU (embedding, tokenising, the
 * HNSW build, writing); in the bot's process it would hold the event loop for as long, and with
 * it gateway heartbeats and the 3-second interaction acknowledgements. The child
 * (src/ingest/ingest-worker.mjs) runs the unchanged pipeline (src/ingest/worker-job.ts) at a
 * lower CPU priority and reports back by IPC message; the bot only relays progress and log
 * records. A child that fails or dies leaves CURRENT naming the previous build (publishing is the
 * last, atomic step), so the bot keeps answering from it.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { IngestProgress, IngestSummary } from "./summary.js";
import type { IngestJob, IngestWorkerMessage } from "./worker-job.js";

/** The ingest child failed for a reason that is not the user's to fix (a bug, a crash). */
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

/** A record the child logged, logged again here so it reaches the app's own log destination. */
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

const CHILD = fileURLToPath(new URL("./ingest-worker.mjs", import.meta.url));

/** Starts ingest children, one at a time: a second ingest of the same index could only wait for the lock. */
export class IngestWorkerRunner {
  private running: { child: ChildProcess; since: string } | null = null;

  constructor(private readonly logger: Logger) {}

  run(job: IngestJob, onProgress?: (progress: IngestProgress) => void): Promise<IngestSummary> {
    if (this.running) {
      return Promise.reject(
        new UserError(
          "ingest-locked",
          `another ingest (started ${this.running.since} by this process) is running on this index; wait for it to finish`,
        ),
      );
    }
    // Plain node, whatever runs the bot (tsx, vitest, a compiled build): the child finds its
    // modules itself. stdout stays the caller's (`--json` output); a crash's stack goes to stderr.
    const child = fork(CHILD, [], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.running = { child, since: new Date().toISOString() };
    return new Promise<IngestSummary>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.running = null;
        // The summary or the error is the last message, and the lock is released by then:
        // whatever the child still holds open (a keep-alive socket to Ollama) must not keep it.
        if (child.exitCode === null && child.signalCode === null) child.kill();
        outcome();
      };
      child.on("message", (m: IngestWorkerMessage) => {
        if (m.type === "ready") child.send(job);
        else if (m.type === "progress") onProgress?.({ done: m.done, total: m.total });
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
      child.once("error", (err) =>
        finish(() =>
          reject(new IngestWorkerError(`the ingest process failed: ${err.message}`, { cause: err })),
        ),
      );
      child.once("exit", (code, signal) =>
        finish(() =>
          reject(
            new IngestWorkerError(
              `the ingest process stopped (${signal ?? `exit code ${code}`}) before publishing; the previous index is still in use`,
            ),
          ),
        ),
      );
    });
  }

  /** Stops a running ingest; its build is never published, the previous one stays current. */
  async close(): Promise<void> {
    const child = this.running?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
  }
}
