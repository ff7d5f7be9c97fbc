/**
 * Dense proxy vectors: what HNSW is measured on. The builtin embedder's hashed bags of words are
 * the hard case for a graph (and are searched exactly now), so HNSW's settings are chosen on
 * vectors that behave like a model's: dense, normalised, 1024 dimensions, with neighbourhoods
 * that follow the text. Each passage's TF-IDF vector (from the build's own BM25 postings:
 * 1 + ln tf, times ln(N / df)) is projected by a seeded random ±1 matrix to PROXY_INTRINSIC
 * dimensions, then spread over 1024 by a second one, and normalised.
 *
 * Why two steps: projected straight to 1024 dimensions, TF-IDF of a corpus of words drawn at
 * random keeps its geometry (Johnson–Lindenstrauss), and that geometry is nearly orthogonal
 * vectors: a held-out passage's nearest neighbour has cosine ~0.15 against ~0.05 for any
 * passage. HNSW cannot navigate that (measured: recall@10 0.39 at ef 128 on 20k passages,
 * M 16), and neither does any model's embedding space look like it: sentence embeddings have an
 * intrinsic dimensionality of tens, with neighbours far closer than strangers. The narrow first
 * projection gives the proxy that low intrinsic dimensionality while keeping which passages
 * are near which.
 */
import { performance } from "node:perf_hooks";
import { type Bm25Data, Bm25Index } from "../src/store/bm25.js";
import { HnswDenseIndex, type HnswSettings } from "../src/store/dense/hnsw.js";
import { ExactIndex, recallAt } from "./exact.js";
import { round, summarise, yieldToLoop } from "./stats.js";

export const PROXY_DIMENSION = 1024;
/** The proxy's intrinsic dimensionality (a multiple of 32). */
export const PROXY_INTRINSIC = 64;

/** Adds row `term` of a seeded ±weight matrix (width a multiple of 32) to out[offset…]. */
function projectInto(
  out: Float32Array,
  offset: number,
  term: number,
  weight: number,
  seed: number,
  width = PROXY_INTRINSIC,
): void {
  for (let j = 0; j < width; j += 32) {
    let h = Math.imul(term + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b) ^ seed;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
    h ^= h >>> 15;
    for (let b = 0; b < 32; b++) out[offset + j + b]! += (h >>> b) & 1 ? weight : -weight;
  }
}

/** Spreads intrinsic rows over PROXY_DIMENSION dimensions (a fixed ±1 mix) and normalises them. */
function spread(intrinsic: Float32Array, count: number, seed: number): Float32Array {
  const mix = new Float32Array(PROXY_INTRINSIC * PROXY_DIMENSION);
  for (let k = 0; k < PROXY_INTRINSIC; k++)
    projectInto(mix, k * PROXY_DIMENSION, k, 1, seed ^ 0x5bd1e995, PROXY_DIMENSION);
  const rows = new Float32Array(count * PROXY_DIMENSION);
  for (let i = 0; i < count; i++) {
    const out = i * PROXY_DIMENSION;
    for (let k = 0; k < PROXY_INTRINSIC; k++) {
      const z = intrinsic[i * PROXY_INTRINSIC + k]!;
      if (z === 0) continue;
      const m = k * PROXY_DIMENSION;
      for (let j = 0; j < PROXY_DIMENSION; j++) rows[out + j]! += z * mix[m + j]!;
    }
  }
  normaliseRows(rows, count);
  return rows;
}

function normaliseRows(rows: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    let norm = 0;
    const at = i * PROXY_DIMENSION;
    for (let j = 0; j < PROXY_DIMENSION; j++) norm += rows[at + j]! * rows[at + j]!;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < PROXY_DIMENSION; j++) rows[at + j] = rows[at + j]! / norm;
  }
}

/** Proxy vectors of the first `count` passages, row by row. */
export async function proxyPassages(bm25: Bm25Data, count: number, seed: number): Promise<Float32Array> {
  const rows = new Float32Array(count * PROXY_INTRINSIC);
  const n = bm25.lengths.length;
  for (let t = 0; t < bm25.terms.count; t++) {
    const from = bm25.starts[t]!;
    const to = bm25.starts[t + 1]!;
    const idf = Math.log(n / (to - from));
    if (idf <= 0) continue;
    for (let p = from; p < to; p++) {
      const doc = bm25.docs[p]!;
      if (doc >= count) break; // postings are in passage order
      projectInto(rows, doc * PROXY_INTRINSIC, t, (1 + Math.log(bm25.tfs[p]!)) * idf, seed);
    }
    if (t % 5000 === 0) await yieldToLoop();
  }
  return spread(rows, count, seed);
}

/**
 * The vectors HNSW is measured on: the first passages indexed, the last `queries` held out and
 * used as queries (as ANN benchmarks hold out points of the same distribution). Questions
 * themselves make poor proxy queries: a question of two or three known words projects onto a
 * vector nearly equidistant from thousands of passages (top similarities ~0.1, within 0.01 of
 * each other), where a real model would place it near the passages that answer it.
 */
export async function proxySet(
  bm25: Bm25Data,
  queries: number,
  seed: number,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ rows: Float32Array; count: number; queries: number[][] }> {
  const total = Math.min(bm25.lengths.length, limit + queries);
  const held = Math.min(queries, Math.floor(total / 2));
  const rows = await proxyPassages(bm25, total, seed);
  const count = total - held;
  const queryRows: number[][] = [];
  for (let i = count; i < total; i++)
    queryRows.push(Array.from(rows.subarray(i * PROXY_DIMENSION, (i + 1) * PROXY_DIMENSION)));
  return { rows, count, queries: queryRows };
}

/** A question's proxy vector, from its terms and the collection's document frequencies. */
export function proxyQuery(terms: string[], bm25: Bm25Data, index: Bm25Index, seed: number): number[] {
  const out = new Float32Array(PROXY_INTRINSIC);
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  for (const [term, count] of tf) {
    const id = index.termId(term);
    if (id < 0) continue;
    const idf = Math.log(bm25.lengths.length / (bm25.starts[id + 1]! - bm25.starts[id]!));
    if (idf > 0) projectInto(out, 0, id, (1 + Math.log(count)) * idf, seed);
  }
  return Array.from(spread(out, 1, seed));
}

export interface HnswCurve {
  passages: number;
  settings: HnswSettings;
  /** Graph construction on the worker thread. */
  buildMs: number;
  /** Longest event-loop block on the main thread while the worker built the graph. */
  buildBlockMs: number;
  sweep: Array<{ ef: number; recallAt10: number; p50: number; p95: number }>;
}

/**
 * Builds HNSW over the proxy vectors on a worker (as ingest does) and measures recall@10
 * against an exact scan, with latency, at each ef.
 */
export async function hnswCurve(
  rows: Float32Array,
  count: number,
  queries: number[][],
  exactHits: number[][],
  settings: HnswSettings,
  efs: number[],
  probe: () => { stop(): number },
): Promise<HnswCurve> {
  const builder = HnswDenseIndex.builder(PROXY_DIMENSION, count, { settings });
  for (let i = 0; i < count; i++)
    builder.put(i, rows.subarray(i * PROXY_DIMENSION, (i + 1) * PROXY_DIMENSION));
  const blocks = probe();
  const started = performance.now();
  const index = (await builder.build(Array.from({ length: count }, (_, i) => String(i)))) as HnswDenseIndex;
  const buildMs = performance.now() - started;
  const buildBlockMs = blocks.stop();
  const graph = index.native;
  if (!graph) throw new Error("no graph was built");
  const sweep: HnswCurve["sweep"] = [];
  for (const ef of efs) {
    graph.setEf(ef);
    const samples: number[] = [];
    let recall = 0;
    for (const [i, q] of queries.entries()) {
      const t = performance.now();
      const found = graph.searchKnn(q, 10).neighbors;
      samples.push(performance.now() - t);
      recall += recallAt(exactHits[i] ?? [], found);
    }
    const s = summarise(samples);
    sweep.push({ ef, recallAt10: round(recall / Math.max(1, queries.length)), p50: s.p50, p95: s.p95 });
    await yieldToLoop();
  }
  return {
    passages: count,
    settings,
    buildMs: round(buildMs, 1),
    buildBlockMs: round(buildBlockMs, 1),
    sweep,
  };
}

/** The exact top 10 of each query over the proxy rows (the reference for recall). */
export function exactProxyHits(rows: Float32Array, queries: number[][]): number[][] {
  const exact = new ExactIndex(rows, PROXY_DIMENSION);
  return queries.map((q) => exact.search(q, 10));
}

export { Bm25Index };
