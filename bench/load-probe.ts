/**
 * Loads one build in this (fresh) process and prints how long it took and the longest
 * event-loop block while it ran, as one JSON line. The bench runs it as a child process: the bot
 * loads a build in its own process (the ingest runs in a child, src/ingest/worker.ts), not in
 * one that has just ingested and still holds the ingest's heap.
 *
 * usage: npx tsx bench/load-probe.ts INDEX_DIR BUILD_ID [THREADS]
 */
import { loadIndex } from "../src/store/load.js";
import { startBlockProbe } from "./event-loop.js";

const [indexDir, buildId, threads = "1"] = process.argv.slice(2);
if (!indexDir || !buildId) {
  process.stderr.write("usage: npx tsx bench/load-probe.ts INDEX_DIR BUILD_ID [THREADS]\n");
  process.exit(2);
}
// Let module loading and the probe's first ticks settle, as a running bot's would have.
await new Promise((resolve) => setTimeout(resolve, 200));
const probe = startBlockProbe();
const started = performance.now();
const index = await loadIndex(indexDir, buildId, { threads: Number(threads) });
const ms = performance.now() - started;
const maxEventLoopBlockMs = probe.stop();
index.close();
process.stdout.write(`${JSON.stringify({ ms, maxEventLoopBlockMs })}\n`);
