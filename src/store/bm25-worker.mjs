// A helper thread of BM25 search (src/store/bm25.ts, Bm25Index): it searches its fixed slice of
// the passages for each request with the very scorer the calling thread runs on its own slice,
// writes its k best into the request's shared result buffer, then bumps the shared "done"
// counter the calling thread waits on (src/store/split-scan.ts).
// Plain JavaScript: a worker starts outside tsx's and vitest's loaders. In the build (dist/) the
// compiled module sits next to this file; in the source tree it loads the TypeScript one through
// tsx's scoped import.
// Input (workerData): postings (the numeric arrays, over SharedArrayBuffers, and k1, b and the
// average length), the slice [lo, hi), and done, an Int32Array over a SharedArrayBuffer.
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

async function load(modulePath) {
  const compiled = new URL(`${modulePath}.js`, import.meta.url);
  if (existsSync(compiled)) return import(compiled.href);
  // tsx is a dev dependency: imported only from the source tree, never by the production build.
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(`${modulePath}.ts`, import.meta.url);
}

const { Bm25Scorer, asSliceTop } = await load("./bm25");
const { postings, lo, hi, done } = workerData;
const scorer = new Bm25Scorer(postings);

parentPort.on("message", ({ seq, terms, k, result }) => {
  const hits = scorer.search(terms, k, lo, hi);
  // The result buffer: k scores (float64), then k positions (int32).
  asSliceTop(hits, k, {
    scores: new Float64Array(result, 0, k),
    positions: new Int32Array(result, k * 8, k),
  });
  Atomics.store(done, 0, seq);
  Atomics.notify(done, 0);
});
parentPort.postMessage({ ready: true });
