import { readSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SearchHit } from "../../retrieve/ports.js";
import { readTyped, writeTyped } from "../binary.js";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexBuilder,
  type DenseIndexInfo,
} from "./dense-index.js";
import { IdList } from "./ids.js";

/** Where each dimension's entries start in the two files below (float64: dimension + 1 values). */
const STARTS_FILE = "columns-starts.f64";
/** Passage positions of the non-zero entries, dimension by dimension, ascending within each. */
const POSITIONS_FILE = "columns-positions.u32";
/** The entries' values (components of the unit vectors), in the same order. */
const VALUES_FILE = "columns-values.f32";

/**
 * A dimension-major matrix with only its non-zero entries: column d is positions and values
 * [starts[d], starts[d + 1]). A builtin vector sets about a third of its dimensions, so this is a
 * third of the dense matrix's scan work and ~2/3 of its bytes.
 */
interface SparseColumns {
  starts: Float64Array;
  positions: Uint32Array;
  values: Float32Array;
}

/** The largest number of entries a Uint32 position file can be indexed by here. */
const MAX_ENTRIES = 2 ** 32 - 1;

/** Sparse columns of a dense dimension-major matrix (columns[d * count + i]), zeros left out. */
function sparseFromDense(dense: Float32Array, dimension: number, count: number): SparseColumns {
  const starts = new Float64Array(dimension + 1);
  let entries = 0;
  for (let d = 0; d < dimension; d++) {
    starts[d] = entries;
    const base = d * count;
    for (let i = 0; i < count; i++) if (dense[base + i] !== 0) entries++;
  }
  starts[dimension] = entries;
  if (entries > MAX_ENTRIES) throw new Error(`${entries} non-zero vector entries: more than one index holds`);
  const positions = new Uint32Array(entries);
  const values = new Float32Array(entries);
  let at = 0;
  for (let d = 0; d < dimension; d++) {
    const base = d * count;
    for (let i = 0; i < count; i++) {
      const v = dense[base + i] as number;
      if (v === 0) continue;
      positions[at] = i;
      values[at] = v;
      at++;
    }
  }
  return { starts, positions, values };
}

/** The dense dimension-major matrix of sparse columns (for benchmarks and tests). */
function denseFromSparse(columns: SparseColumns, dimension: number, count: number): Float32Array {
  const dense = new Float32Array(dimension * count);
  for (let d = 0; d < dimension; d++)
    for (let j = columns.starts[d] as number; j < (columns.starts[d + 1] as number); j++)
      dense[d * count + (columns.positions[j] as number)] = columns.values[j] as number;
  return dense;
}

/**
 * The columns of a saved index, read in the background after load() returns: a 100k-passage
 * build has ~130 MB of them, most of a load's time. A search that needs a column not read yet
 * reads it there and then (one column: ~0.25 MB at 100k passages), so an index is usable at once
 * and answers exactly as a fully read one.
 */
class ColumnReader {
  private readonly read: Uint8Array;
  private done = false;

  constructor(
    private readonly files: { positions: FileHandle; values: FileHandle },
    private readonly columns: SparseColumns,
    dimension: number,
  ) {
    this.read = new Uint8Array(dimension);
  }

  /** Column d's bytes in each array, and where they sit in the files (both 4 bytes an entry). */
  private views(d: number): { positions: Uint8Array; values: Uint8Array; offset: number } {
    const from = this.columns.starts[d] as number;
    const length = ((this.columns.starts[d + 1] as number) - from) * 4;
    return {
      positions: new Uint8Array(this.columns.positions.buffer, from * 4, length),
      values: new Uint8Array(this.columns.values.buffer, from * 4, length),
      offset: from * 4,
    };
  }

  /** Column d in memory now (a synchronous read when the background has not reached it). */
  ensure(d: number): void {
    if (this.done || this.read[d]) return;
    const { positions, values, offset } = this.views(d);
    readFully(this.files.positions, positions, offset, d);
    readFully(this.files.values, values, offset, d);
    this.read[d] = 1;
  }

  ensureAll(): void {
    for (let d = 0; d < this.read.length; d++) this.ensure(d);
  }

  /** Reads every column not read yet, then closes the files; a failure leaves the rest to ensure(). */
  async readRest(): Promise<void> {
    try {
      for (let d = 0; d < this.read.length; d++) {
        if (this.read[d]) continue;
        const { positions, values, offset } = this.views(d);
        for (const [handle, view] of [
          [this.files.positions, positions],
          [this.files.values, values],
        ] as const) {
          for (let at = 0; at < view.length; ) {
            const { bytesRead } = await handle.read(view, at, view.length - at, offset + at);
            if (bytesRead === 0) throw new Error(`the dense columns files end inside column ${d}`);
            at += bytesRead;
          }
        }
        // Set only once both halves are in: ensure() may have read this column meanwhile, to the same bytes.
        this.read[d] = 1;
      }
      this.done = true;
      await Promise.all([this.files.positions.close(), this.files.values.close()]);
    } catch {
      // The columns not read stay to be read by ensure(), which reports the problem itself.
    }
  }
}

function readFully(handle: FileHandle, view: Uint8Array, offset: number, d: number): void {
  for (let at = 0; at < view.length; ) {
    const n = readSync(handle.fd, view, at, view.length - at, offset + at);
    if (n === 0) throw new Error(`the dense columns files end inside column ${d}`);
    at += n;
  }
}

/**
 * Exact cosine search over the non-zero entries of a dimension-major ("column") matrix of unit
 * vectors, for the builtin embedder. Its vectors are feature-hashed bags of words: a question sets
 * a dozen or so of 512 dimensions and a passage about a third, so adding up just the question's
 * columns, and in them just the passages that set the dimension, is an exact search at a few
 * percent of a full scan, with nothing to build. A graph (HNSW) is the hard case on such
 * vectors: its recall@10 fell to 0.75 at 100k passages.
 *
 * Scores are the same float64 sums a row-major brute force computes (zero entries would add
 * exactly 0, the rest are added in the same ascending order of dimensions), so the neighbours
 * are exactly the brute force's, ties broken by the lower position.
 */
export class ColumnDenseIndex implements DenseIndex {
  private ids: IdList;
  private columns: SparseColumns;
  /** Running scores of every passage for the queries of a searchMany, interleaved, reused. */
  private scores = new Float64Array(0);
  /** Columns of a loaded index still being read; null once everything is in memory. */
  private reader: ColumnReader | null;

  constructor(
    readonly dimension: number,
    contents: { ids: IdList; columns: SparseColumns; reader?: ColumnReader } = {
      ids: new IdList(),
      columns: {
        starts: new Float64Array(dimension + 1),
        positions: new Uint32Array(0),
        values: new Float32Array(0),
      },
    },
  ) {
    this.ids = contents.ids;
    this.columns = contents.columns;
    this.reader = contents.reader ?? null;
    const { starts, positions, values } = this.columns;
    if (
      starts.length !== dimension + 1 ||
      positions.length !== values.length ||
      starts[dimension] !== values.length
    )
      throw new Error(`column starts do not match ${values.length} entries of ${dimension} dimensions`);
  }

  /** Bulk construction: a preallocated dense matrix each position's vector is written into once, made sparse at build. */
  static builder(dimension: number, count: number): DenseIndexBuilder {
    let dense: Float32Array | null = new Float32Array(dimension * count);
    const put = new Uint8Array(count);
    return {
      dimension,
      count,
      put(position, vector) {
        checkDimension(vector, dimension);
        if (!dense) throw new Error("the dense index is already built");
        const u = unit(vector);
        // Into a zero-filled matrix, a position's first vector needs only its non-zero entries written.
        if (put[position]) for (let d = 0; d < dimension; d++) dense[d * count + position] = u[d] as number;
        else for (let d = 0; d < dimension; d++) if (u[d] !== 0) dense[d * count + position] = u[d] as number;
        put[position] = 1;
      },
      build: async (ids) => {
        if (ids.length !== count) throw new Error(`${ids.length} ids for ${count} vectors`);
        if (!dense) throw new Error("the dense index is already built");
        const columns = sparseFromDense(dense, dimension, count);
        // The dense matrix (2 GB at a million passages) is garbage from here on.
        dense = null;
        return new ColumnDenseIndex(dimension, { ids: new IdList(ids), columns });
      },
    };
  }

  static async load(dir: string): Promise<ColumnDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const ids = await IdList.load(dir);
    const starts = await readTyped(path.join(dir, STARTS_FILE), Float64Array);
    const entries = starts[info.dimension];
    if (starts.length !== info.dimension + 1 || entries === undefined)
      throw new Error(`${dir}: ${starts.length} column starts for ${info.dimension} dimensions`);
    const positions = await open(path.join(dir, POSITIONS_FILE), "r");
    const values = await open(path.join(dir, VALUES_FILE), "r");
    const sizes = [(await positions.stat()).size, (await values.stat()).size];
    if (sizes.some((size) => size !== entries * 4)) {
      await Promise.all([positions.close(), values.close()]);
      throw new Error(`${dir}: ${sizes.join(" and ")} bytes of columns for ${entries} entries`);
    }
    const columns = { starts, positions: new Uint32Array(entries), values: new Float32Array(entries) };
    const reader = new ColumnReader({ positions, values }, columns, info.dimension);
    void reader.readRest();
    return new ColumnDenseIndex(info.dimension, { ids, columns, reader });
  }

  get count(): number {
    return this.ids.count;
  }

  /** The stored unit vectors as a dense dimension-major matrix (for benchmarks that check the search against them). */
  get matrix(): { columns: Float32Array; count: number } {
    this.reader?.ensureAll();
    return { columns: denseFromSparse(this.columns, this.dimension, this.count), count: this.count };
  }

  add(ids: readonly string[], vectors: readonly ArrayLike<number>[]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    if (ids.length === 0) return;
    // Appending to a dimension-major matrix moves every column; ingest uses the builder instead.
    this.reader?.ensureAll();
    this.reader = null;
    const before = this.count;
    const after = before + ids.length;
    const dense = new Float32Array(this.dimension * after);
    const old = denseFromSparse(this.columns, this.dimension, before);
    for (let d = 0; d < this.dimension; d++) dense.set(old.subarray(d * before, (d + 1) * before), d * after);
    vectors.forEach((vector, i) => {
      checkDimension(vector, this.dimension);
      const u = unit(vector);
      for (let d = 0; d < this.dimension; d++) dense[d * after + before + i] = u[d] ?? 0;
    });
    this.columns = sparseFromDense(dense, this.dimension, after);
    this.ids.push(ids);
  }

  search(vector: number[], k: number): SearchHit[] {
    return this.searchMany([vector], k)[0] ?? [];
  }

  /**
   * Several queries at once (a comparison searches its question and one sub-query per side).
   * Each query's scores are summed exactly as search() alone sums them, so the hits are the same.
   */
  searchMany(vectors: number[][], k: number): SearchHit[][] {
    const n = this.count;
    const m = Math.min(k, n);
    const count = vectors.length;
    if (m <= 0 || count === 0) return vectors.map(() => []);
    const { starts, positions, values } = this.columns;
    const queries = vectors.map(unit);
    // The queries' running scores interleaved (passage i's score for query q at i × count + q):
    // a comparison's queries share most dimensions, so one walk of a column updates all of them
    // in one cache line instead of three walks writing three arrays.
    const size = n * count;
    // Kept at the largest size asked for: a plain question and a comparison alternate.
    if (this.scores.length < size) this.scores = new Float64Array(size);
    const scores = this.scores.subarray(0, size);
    scores.fill(0);
    const active = new Int32Array(count);
    const weights = new Float64Array(count);
    // Dimensions in ascending order, so each passage sums its entries in the brute force's order.
    for (let d = 0; d < this.dimension; d++) {
      let used = 0;
      for (let q = 0; q < count; q++) {
        const w = (queries[q] as Float64Array)[d] as number;
        if (w === 0) continue;
        active[used] = q;
        weights[used] = w;
        used++;
      }
      if (used === 0) continue;
      this.reader?.ensure(d);
      addColumn(
        scores,
        count,
        positions,
        values,
        starts[d] as number,
        starts[d + 1] as number,
        active,
        weights,
        used,
      );
    }
    return queries.map((_, q) => {
      const top = new Int32Array(m).fill(-1);
      const topScore = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
      // The m best in a sorted buffer: almost every passage fails the first comparison.
      for (let i = 0; i < n; i++) {
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
        top[p] = i;
      }
      const hits: SearchHit[] = [];
      for (let p = 0; p < m; p++)
        hits.push({ id: this.ids.at(top[p] as number), score: topScore[p] as number });
      return hits;
    });
  }

  async save(dir: string): Promise<void> {
    this.reader?.ensureAll();
    await mkdir(dir, { recursive: true });
    await writeTyped(path.join(dir, STARTS_FILE), this.columns.starts);
    await writeTyped(path.join(dir, POSITIONS_FILE), this.columns.positions);
    await writeTyped(path.join(dir, VALUES_FILE), this.columns.values);
    await this.ids.save(dir);
    const info: DenseIndexInfo = { kind: "column", dimension: this.dimension, count: this.count };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}

/**
 * For the column's entries [from, to) and each of the `used` active queries:
 * scores[positions[j] × stride + query] += values[j] × weight, one float64 multiply-add per
 * entry and query, as in the brute force. One and two queries (a plain question; a comparison
 * whose side words fall in a dimension the question lacks) are unrolled by hand: V8 keeps those
 * loops' loads in registers, not an inner loop over the queries.
 */
function addColumn(
  scores: Float64Array,
  stride: number,
  positions: Uint32Array,
  values: Float32Array,
  from: number,
  to: number,
  active: Int32Array,
  weights: Float64Array,
  used: number,
): void {
  const q0 = active[0] as number;
  const w0 = weights[0] as number;
  if (stride === 1) {
    addSingle(scores, positions, values, from, to, w0);
    return;
  }
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
  const q1 = active[1] as number;
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
    const q2 = active[2] as number;
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
    const base = (positions[j] as number) * stride;
    const v = values[j] as number;
    for (let u = 0; u < used; u++) {
      const at = base + (active[u] as number);
      scores[at] = (scores[at] as number) + v * (weights[u] as number);
    }
  }
}

/** addColumn for one query alone: scores[positions[j]] += values[j] × w, four at a time. */
function addSingle(
  scores: Float64Array,
  positions: Uint32Array,
  values: Float32Array,
  from: number,
  to: number,
  w: number,
): void {
  let j = from;
  for (; j + 3 < to; j += 4) {
    const a = positions[j] as number;
    const b = positions[j + 1] as number;
    const c = positions[j + 2] as number;
    const e = positions[j + 3] as number;
    scores[a] = (scores[a] as number) + (values[j] as number) * w;
    scores[b] = (scores[b] as number) + (values[j + 1] as number) * w;
    scores[c] = (scores[c] as number) + (values[j + 2] as number) * w;
    scores[e] = (scores[e] as number) + (values[j + 3] as number) * w;
  }
  for (; j < to; j++) {
    const a = positions[j] as number;
    scores[a] = (scores[a] as number) + (values[j] as number) * w;
  }
}

function checkDimension(vector: ArrayLike<number>, dimension: number): void {
  if (vector.length !== dimension)
    throw new Error(`a vector of ${vector.length} dimensions, expected ${dimension}`);
}

/** The vector scaled to length 1, in float64 (a zero vector stays zero). */
export function unit(vector: ArrayLike<number>): Float64Array {
  let norm = 0;
  for (let d = 0; d < vector.length; d++) norm += (vector[d] ?? 0) * (vector[d] ?? 0);
  norm = Math.sqrt(norm) || 1;
  // A plain loop: Float64Array.from with a mapping function was 13 of a 100k ingest's seconds
  // on the main thread (it goes through the iterator protocol per element).
  const out = new Float64Array(vector.length);
  for (let d = 0; d < vector.length; d++) out[d] = (vector[d] as number) / norm;
  return out;
}
