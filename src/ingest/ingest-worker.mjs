// Runs one ingest on a worker thread for src/ingest/worker.ts, so the HNSW build, tokenising
// and writing never block the main thread's event loop (the bot's gateway heartbeats and its
// 3-second interaction acknowledgements). Plain JavaScript, like passage-worker.mjs: a worker
// starts outside tsx's and vitest's loaders. A compiled build has worker-job.js beside this
// file and imports it; a source checkout loads worker-job.ts through tsx's scoped import.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

const compiled = new URL("./worker-job.js", import.meta.url);
const { runIngestJob } = existsSync(fileURLToPath(compiled))
  ? await import(compiled.href)
  : await (await import("tsx/esm/api")).tsImport("./worker-job.ts", import.meta.url);

await runIngestJob(workerData, (message) => parentPort.postMessage(message));
