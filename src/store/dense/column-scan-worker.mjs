// A helper thread of the exact column search (src/store/dense/column.ts, SplitScan): it adds up
// its fixed slice of the passages for each request and writes its m best per query into the
// request's shared result buffer, then bumps the shared "done" counter the main thread waits on.
// Plain JavaScript: a worker starts outside tsx's and vitest's loaders. In the build (dist/) the
// compiled module sits next to this file; in the source tree it loads the TypeScript one through
// tsx's scoped import. Either way it runs the very code the main thread runs on its own slice.
// Input (workerData): columns (starts, and positions and values over SharedArrayBuffers), the
// slice [lo, hi), and done, an Int32Array over a SharedArrayBuffer.
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

async function load(modulePath) {
  const compiled = new URL(`${modulePath}.js`, import.meta.url);
  if (existsSync(compiled)) return import(compiled.href);
  // tsx is a dev dependency: imported only from the source tree, never by the production build.
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(`${modulePath}.ts`, import.meta.url);
}

const { scanSlice, topOfSlice } = await load("./column-scan");
const { columns, lo, hi, done } = workerData;
let scores = new Float64Array(0);

parentPort.on("message", ({ seq, queries, m, result }) => {
  const count = queries.length;
  const size = (hi - lo) * count;
  if (scores.length < size) scores = new Float64Array(size);
  const slice = scores.subarray(0, size);
  slice.fill(0);
  scanSlice(columns, queries, lo, hi, slice);
  // The result buffer: count × m scores (float64), then count × m positions (int32).
  const out = {
    scores: new Float64Array(result, 0, count * m),
    positions: new Int32Array(result, count * m * 8, count * m),
  };
  for (let q = 0; q < count; q++) topOfSlice(slice, count, q, lo, hi, m, out, q * m);
  Atomics.store(done, 0, seq);
  Atomics.notify(done, 0);
});
parentPort.postMessage({ ready: true });
