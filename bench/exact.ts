/**
 * The exact answer HNSW approximates: every vector scored by cosine similarity (vectors are
 * unit length, so a dot product), best k kept in a small sorted buffer.
 */
export class ExactIndex {
  readonly count: number;

  constructor(
    private readonly matrix: Float32Array,
    readonly dimension: number,
  ) {
    this.count = matrix.length / dimension;
  }

  search(query: ArrayLike<number>, k: number): number[] {
    const d = this.dimension;
    // The query at unit length in float64, summed in ascending dimension order: the arithmetic
    // of the index's column scan, so the two agree to the bit, ties included.
    let norm = 0;
    for (let j = 0; j < query.length; j++) norm += (query[j] ?? 0) * (query[j] ?? 0);
    norm = Math.sqrt(norm) || 1;
    const q = Float64Array.from(query, (x) => x / norm);
    const n = Math.min(k, this.count);
    const topIdx = new Int32Array(n).fill(-1);
    const topScore = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    const m = this.matrix;
    for (let i = 0; i < this.count; i++) {
      let s = 0;
      const base = i * d;
      for (let j = 0; j < d; j++) s += (m[base + j] ?? 0) * (q[j] ?? 0);
      if (s <= (topScore[n - 1] ?? 0)) continue;
      let p = n - 1;
      while (p > 0 && (topScore[p - 1] ?? 0) < s) {
        topScore[p] = topScore[p - 1] ?? 0;
        topIdx[p] = topIdx[p - 1] ?? -1;
        p--;
      }
      topScore[p] = s;
      topIdx[p] = i;
    }
    return Array.from(topIdx).filter((i) => i >= 0);
  }
}

/** Share of the exact top k that the approximate top k found. */
export function recallAt(exact: number[], approx: number[]): number {
  if (exact.length === 0) return 1;
  const found = new Set(approx);
  return exact.filter((i) => found.has(i)).length / exact.length;
}

/**
 * The same exact search over a dimension-major copy of the matrix, visiting only the dimensions
 * where the query is non-zero. The builtin embedder hashes a short question into a few dozen of
 * its 512 dimensions, so this costs a few percent of a full scan and returns exactly the same
 * neighbours (the per-passage sums add the same non-zero terms in the same order).
 */
export class ColumnIndex {
  readonly count: number;
  private readonly columns: Float32Array;
  private readonly scores: Float64Array;

  constructor(
    rows: Float32Array,
    readonly dimension: number,
  ) {
    const n = rows.length / dimension;
    this.count = n;
    this.columns = new Float32Array(rows.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dimension; j++) this.columns[j * n + i] = rows[i * dimension + j] ?? 0;
    }
    this.scores = new Float64Array(n);
  }

  /** Non-zero dimensions of a query, for reporting how sparse queries are. */
  static nonZero(query: ArrayLike<number>): number {
    let nz = 0;
    for (let j = 0; j < query.length; j++) if (Math.fround(query[j] ?? 0) !== 0) nz++;
    return nz;
  }

  search(query: ArrayLike<number>, k: number): number[] {
    const n = this.count;
    const scores = this.scores;
    scores.fill(0);
    const cols = this.columns;
    for (let j = 0; j < this.dimension; j++) {
      const qj = Math.fround(query[j] ?? 0);
      if (qj === 0) continue;
      const base = j * n;
      for (let i = 0; i < n; i++) scores[i] = (scores[i] ?? 0) + (cols[base + i] ?? 0) * qj;
    }
    const m = Math.min(k, n);
    const topIdx = new Int32Array(m).fill(-1);
    const topScore = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      const s = scores[i] ?? 0;
      if (s <= (topScore[m - 1] ?? 0)) continue;
      let p = m - 1;
      while (p > 0 && (topScore[p - 1] ?? 0) < s) {
        topScore[p] = topScore[p - 1] ?? 0;
        topIdx[p] = topIdx[p - 1] ?? -1;
        p--;
      }
      topScore[p] = s;
      topIdx[p] = i;
    }
    return Array.from(topIdx).filter((i) => i >= 0);
  }
}
