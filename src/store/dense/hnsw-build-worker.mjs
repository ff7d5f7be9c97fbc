// Builds an hnswlib graph off the main thread (src/store/dense/hnsw.ts, HnswDenseIndex.builder).
// Plain JavaScript on purpose: a worker is started by Node itself, outside tsx's and vitest's
// TypeScript loaders, so a .ts worker would not load under every runner this project uses.
// Input (workerData): rows, a SharedArrayBuffer of count × dimension float32 vectors in
// position order; the graph settings; the file to write. Output: one message when it is written.
import { parentPort, workerData } from "node:worker_threads";
import hnswlib from "hnswlib-node";

const { rows, dimension, count, m, efConstruction, seed, file } = workerData;
const vectors = new Float32Array(rows);
const graph = new hnswlib.HierarchicalNSW("cosine", dimension);
graph.initIndex(count, m, efConstruction, seed);
for (let i = 0; i < count; i++) {
  graph.addPoint(Array.from(vectors.subarray(i * dimension, (i + 1) * dimension)), i);
}
graph.writeIndexSync(file);
parentPort.postMessage({ written: file });
