/**
 * The arithmetic of the exact column search (src/store/dense/column.ts), for one slice of the
 * passages: the main thread runs it over the first slice and helper threads
 * (src/store/dense/column-scan-worker.mjs) over the others. A passage's score is summed by
 * exactly one thread, entry by entry in ascending order of dimensions, so a split search gives
 * the same float64 scores as a single-threaded one, which gives the brute force's.
 */
import type { SliceTop } from "../split-scan.js";

/**
 * A dimension-major matrix with only its non-zero entries: column d is positions and values
 * [starts[d], starts[d + 1]), positions ascending within a column. The two large arrays live in
 * SharedArrayBuffers, so helper threads read the very same memory.
 */
export interface SparseColumns {
  starts: Float64Array;
  positions: Uint32Array;
  values: Float32Array;
}

/**
 * Adds up the queries' scores of the passages at positions [lo, hi) into `scores`, interleaved
 * (passage p's score for query q at (p − lo) × count + q); `scores` must be zero-filled.
 * `needed(d)` runs before column d is read (a loaded index may still be reading it from disk).
 */
export function scanSlice(
  columns: SparseColumns,
  queries: readonly Float64Array[],
  lo: number,
  hi: number,
  scores: Float64Array,
  needed?: (d: number) => void,
): void {
  const { starts, positions, values } = columns;
  const count = queries.length;
  const dimension = starts.length - 1;
  const active = new Int32Array(count);
  const weights = new Float64Array(count);
  // Dimensions in ascending order, so each passage sums its entries in the brute force's order.
  for (let d = 0; d < dimension; d++) {
    let used = 0;
    for (let q = 0; q < count; q++) {
      const w = (queries[q] as Float64Array)[d] as number;
      if (w === 0) continue;
      active[used] = q;
      weights[used] = w;
      used++;
    }
    if (used === 0) continue;
    needed?.(d);
    const start = starts[d] as number;
    const end = starts[d + 1] as number;
    // A slice's entries of a column are a run of it: positions ascend within each column.
    const from = lo === 0 ? start : firstAtLeast(positions, start, end, lo);
    const to = firstAtLeast(positions, from, end, hi);
    addColumn(scores, count, lo, positions, values, from, to, active, weights, used);
  }
}

/** The first index in [from, to) whose position is ≥ target (to when none is). */
function firstAtLeast(positions: Uint32Array, from: number, to: number, target: number): number {
  if (to === from || (positions[to - 1] as number) < target) return to;
  let low = from;
  let high = to - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((positions[mid] as number) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The m best passages of query q in a slice whose scores scanSlice summed, into `out` at
 * `outAt` (m places each); positions are absolute (lo added back).
 */
export function topOfSlice(
  scores: Float64Array,
  count: number,
  q: number,
  lo: number,
  hi: number,
  m: number,
  out: SliceTop,
  outAt = 0,
): void {
  const top = out.positions.subarray(outAt, outAt + m).fill(-1);
  const topScore = out.scores.subarray(outAt, outAt + m).fill(Number.NEGATIVE_INFINITY);
  // The m best in a sorted buffer: almost every passage fails the first comparison.
  for (let i = 0, n = hi - lo; i < n; i++) {
    const value = scores[i * count + q] as number;
    if (value <= (topScore[m - 1] as number)) continue;
    let p = m - 1;
    // Strictly less: an equal score already kept came from a lower position and stays ahead.
    while (p > 0 && (topScore[p - 1] as number) < value) {
      topScore[p] = topScore[p - 1] as number;
      top[p] = top[p - 1] as number;
      p--;
    }
    topScore[p] = value;
    top[p] = lo + i;
  }
}

/**
 * For the column's entries [from, to) and each of the `used` active queries:
 * scores[(positions[j] − lo) × stride + query] += values[j] × weight, one float64 multiply-add
 * per entry and query, as in the brute force. One and two queries (a plain question; a comparison
 * whose side words fall in a dimension the question lacks) are unrolled by hand: V8 keeps those
 * loops' loads in registers, not an inner loop over the queries.
 */
function addColumn(
  scores: Float64Array,
  stride: number,
  lo: number,
  positions: Uint32Array,
  values: Float32Array,
  from: number,
  to: number,
  active: Int32Array,
  weights: Float64Array,
  used: number,
): void {
  const w0 = weights[0] as number;
  if (stride === 1) {
    addSingle(scores, lo, positions, values, from, to, w0);
    return;
  }
  // The slice's offset folded into the query's index: (p − lo) × stride + q = p × stride + (q − lo × stride).
  const shift = -lo * stride;
  const q0 = (active[0] as number) + shift;
  if (used === 1) {
    let j = from;
    for (; j + 3 < to; j += 4) {
      const a = (positions[j] as number) * stride + q0;
      const b = (positions[j + 1] as number) * stride + q0;
      const c = (positions[j + 2] as number) * stride + q0;
      const e = (positions[j + 3] as number) * stride + q0;
      scores[a] = (scores[a] as number) + (values[j] as number) * w0;
      scores[b] = (scores[b] as number) + (values[j + 1] as number) * w0;
      scores[c] = (scores[c] as number) + (values[j + 2] as number) * w0;
      scores[e] = (scores[e] as number) + (values[j + 3] as number) * w0;
    }
    for (; j < to; j++) {
      const a = (positions[j] as number) * stride + q0;
      scores[a] = (scores[a] as number) + (values[j] as number) * w0;
    }
    return;
  }
  const q1 = (active[1] as number) + shift;
  const w1 = weights[1] as number;
  if (used === 2) {
    for (let j = from; j < to; j++) {
      const base = (positions[j] as number) * stride;
      const v = values[j] as number;
      scores[base + q0] = (scores[base + q0] as number) + v * w0;
      scores[base + q1] = (scores[base + q1] as number) + v * w1;
    }
    return;
  }
  if (used === 3) {
    const q2 = (active[2] as number) + shift;
    const w2 = weights[2] as number;
    for (let j = from; j < to; j++) {
      const base = (positions[j] as number) * stride;
      const v = values[j] as number;
      scores[base + q0] = (scores[base + q0] as number) + v * w0;
      scores[base + q1] = (scores[base + q1] as number) + v * w1;
      scores[base + q2] = (scores[base + q2] as number) + v * w2;
    }
    return;
  }
  for (let j = from; j < to; j++) {
    const base = (positions[j] as number) * stride + shift;
    const v = values[j] as number;
    for (let u = 0; u < used; u++) {
      const at = base + (active[u] as number);
      scores[at] = (scores[at] as number) + v * (weights[u] as number);
    }
  }
}

/** addColumn for one query alone: scores[positions[j] − lo] += values[j] × w, four at a time. */
function addSingle(
  scores: Float64Array,
  lo: number,
  positions: Uint32Array,
  values: Float32Array,
  from: number,
  to: number,
  w: number,
): void {
  let j = from;
  for (; j + 3 < to; j += 4) {
    const a = (positions[j] as number) - lo;
    const b = (positions[j + 1] as number) - lo;
    const c = (positions[j + 2] as number) - lo;
    const e = (positions[j + 3] as number) - lo;
    scores[a] = (scores[a] as number) + (values[j] as number) * w;
    scores[b] = (scores[b] as number) + (values[j + 1] as number) * w;
    scores[c] = (scores[c] as number) + (values[j + 2] as number) * w;
    scores[e] = (scores[e] as number) + (values[j + 3] as number) * w;
  }
  for (; j < to; j++) {
    const a = (positions[j] as number) - lo;
    scores[a] = (scores[a] as number) + (values[j] as number) * w;
  }
}
