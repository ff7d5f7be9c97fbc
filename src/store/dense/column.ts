import { readSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SearchHit } from "../../retrieve/ports.js";
import { readTyped, writeTyped } from "../binary.js";
import { mergeTops, type SliceTop, SplitHelpers, type SplitOptions, type SplitScan } from "../split-scan.js";
import { type SparseColumns, scanSlice, topOfSlice } from "./column-scan.js";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexBuilder,
  type DenseIndexInfo,
} from "./dense-index.js";
import { IdList } from "./ids.js";

const HELPER_URL = new URL("./column-scan-worker.mjs", import.meta.url);

/** Where each dimension's entries start in the two files below (float64: dimension + 1 values). */
const STARTS_FILE = "columns-starts.f64";
/** Passage positions of the non-zero entries, dimension by dimension, ascending within each. */
const POSITIONS_FILE = "columns-positions.u32";
/** The entries' values (components of the unit vectors), in the same order. */
const VALUES_FILE = "columns-values.f32";

/** The largest number of entries a Uint32 position file can be indexed by here. */
const MAX_ENTRIES = 2 ** 32 - 1;

/** A typed array over shared memory, which helper threads of a split search read in place. */
function sharedArray<T extends Uint32Array | Float32Array>(
  Kind: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Kind(new SharedArrayBuffer(length * Kind.BYTES_PER_ELEMENT));
}

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
  const positions = sharedArray(Uint32Array, entries);
  const values = sharedArray(Float32Array, entries);
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
  /** Helper threads of a split search, started by the first search of a large enough index. */
  private readonly helpers: SplitHelpers;
  constructor(
    readonly dimension: number,
    contents: { ids: IdList; columns: SparseColumns; reader?: ColumnReader } = {
      ids: new IdList(),
      columns: {
        starts: new Float64Array(dimension + 1),
        positions: sharedArray(Uint32Array, 0),
        values: sharedArray(Float32Array, 0),
      },
    },
    options: SplitOptions = {},
  ) {
    // The columns are in shared memory (sharedArray): each helper reads them, not a copy.
    this.helpers = new SplitHelpers(this, options, HELPER_URL, () => {
      const columns = this.columns;
      return { count: this.count, data: () => ({ columns }) };
    });
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

  static async load(dir: string, options: SplitOptions = {}): Promise<ColumnDenseIndex> {
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
    const columns = {
      starts,
      positions: sharedArray(Uint32Array, entries),
      values: sharedArray(Float32Array, entries),
    };
    const reader = new ColumnReader({ positions, values }, columns, info.dimension);
    void reader.readRest();
    return new ColumnDenseIndex(info.dimension, { ids, columns, reader }, options);
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
    // The helpers read the old columns and cut the old count into slices.
    void this.helpers.stop();
  }

  /** Searches shared with helper threads so far. */
  get splitSearches(): number {
    return this.helpers.searches;
  }

  /**
   * Whether searches are being shared with helper threads: starts them if the index is large
   * enough and waits until they are ready (false: below the size, one thread, closed, or the
   * helpers failed).
   */
  whenSplit(): Promise<boolean> {
    return this.helpers.whenReady();
  }

  /** Ends the helper threads; the index keeps answering, on the calling thread alone. */
  close(): Promise<void> {
    return this.helpers.close();
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
    const queries = vectors.map(unit);
    const split = this.helpers.ready();
    const tops = split ? this.searchSplit(split, queries, m) : this.searchSlice(queries, 0, n, m);
    return queries.map((_, q) => {
      const hits: SearchHit[] = [];
      for (let p = 0; p < m; p++) {
        const position = tops.positions[q * m + p] as number;
        if (position < 0) break;
        hits.push({ id: this.ids.at(position), score: tops.scores[q * m + p] as number });
      }
      return hits;
    });
  }

  /**
   * The m best of each query among positions [lo, hi), scanned on this thread (query q's list
   * at q × m). The queries' running scores are interleaved (passage i's score for query q at
   * i × count + q): a comparison's queries share most dimensions, so one walk of a column
   * updates all of them in one cache line instead of three walks writing three arrays.
   */
  private searchSlice(queries: Float64Array[], lo: number, hi: number, m: number): SliceTop {
    const count = queries.length;
    const size = (hi - lo) * count;
    // Kept at the largest size asked for: a plain question and a comparison alternate.
    if (this.scores.length < size) this.scores = new Float64Array(size);
    const scores = this.scores.subarray(0, size);
    scores.fill(0);
    const reader = this.reader;
    scanSlice(this.columns, queries, lo, hi, scores, reader ? (d) => reader.ensure(d) : undefined);
    const out: SliceTop = { positions: new Int32Array(count * m), scores: new Float64Array(count * m) };
    for (let q = 0; q < count; q++) topOfSlice(scores, count, q, lo, hi, m, out, q * m);
    return out;
  }

  /** searchSlice shared with the helpers: this thread takes the first slice, each helper one more. */
  private searchSplit(split: SplitScan, queries: Float64Array[], m: number): SliceTop {
    // Every column the helpers will walk must be in memory before they start.
    const reader = this.reader;
    if (reader)
      for (let d = 0; d < this.dimension; d++) if (queries.some((query) => query[d] !== 0)) reader.ensure(d);
    const request = split.post({ queries, m }, queries.length, m);
    const own = this.searchSlice(queries, 0, split.bounds[1] as number, m);
    const helpers = split.collect(request);
    // A helper that did not answer: its slices are scanned here, as one, and splitting stops.
    const slices = helpers
      ? [own, ...helpers]
      : [own, this.searchSlice(queries, split.bounds[1] as number, this.count, m)];
    if (helpers) this.helpers.searches++;
    else this.helpers.gaveUp();
    const out: SliceTop = {
      positions: new Int32Array(queries.length * m),
      scores: new Float64Array(queries.length * m),
    };
    for (let q = 0; q < queries.length; q++) {
      const merged = mergeTops(
        slices.map((top) => ({ top, at: q * m })),
        m,
      );
      out.positions.set(merged.positions, q * m);
      out.scores.set(merged.scores, q * m);
    }
    return out;
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
