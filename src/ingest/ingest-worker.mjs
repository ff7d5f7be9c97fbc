// The ingest child process started by src/ingest/worker.ts: runs one ingest and reports by IPC
// message, so the HNSW build, tokenising and writing never hold the bot's event loop (gateway
// heartbeats, the 3-second interaction acknowledgements). A process rather than a thread: its
// garbage collector, file-system threads and compiler threads are its own and run at its lower
// priority, and a native crash (out of memory, an addon) ends the ingest, not the bot.
// Plain JavaScript, like passage-worker.mjs: it starts as plain node, outside tsx's and vitest's
// loaders. A compiled build has worker-job.js beside this file and imports it; a source
// checkout loads worker-job.ts through tsx's scoped import.
import { existsSync, readdirSync } from "node:fs";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";

/** Linux niceness of every thread of this process: below the bot's (0), which must answer first. */
const NICENESS = 10;

// Threads that exist already (V8's platform threads) are lowered one by one; threads started
// later (the file-system pool, the passage workers) inherit the priority of the thread that
// starts them. Elsewhere than Linux this does nothing and the ingest runs at normal priority.
try {
  for (const tid of readdirSync("/proc/self/task")) setPriority(Number(tid), NICENESS);
} catch {
  // no /proc, or not allowed
}

// Orphaned (the bot was killed): stop rather than publish a build no one asked for any more.
process.on("disconnect", () => process.exit(1));

const compiled = new URL("./worker-job.js", import.meta.url);
const { runIngestJob } = existsSync(fileURLToPath(compiled))
  ? await import(compiled.href)
  : await (await import("tsx/esm/api")).tsImport("./worker-job.ts", import.meta.url);

// The parent stops this process once it has the summary or the error (the last message).
process.once("message", (job) => runIngestJob(job, (message) => process.send?.(message)));
process.send?.({ type: "ready" });
