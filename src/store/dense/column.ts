import { readSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SearchHit } from "../../retrieve/ports.js";
import { writeTyped } from "../binary.js";
import {
  DENSE_INFO_FILE,
  type DenseIndex,
  type DenseIndexBuilder,
  type DenseIndexInfo,
} from "./dense-index.js";
import { IdList } from "./ids.js";

const COLUMNS_FILE = "columns.f32";
/** Passages scored together: 4096 float64 running scores (32 KB) stay in a core's cache. */
const BLOCK = 4096;

/**
 * The columns of a saved index, read in the background after load() returns: a 100k-passage
 * build has 200 MB of them, most of a load's time. A search that needs a column not read yet
 * reads it there and then (one column: 0.4 MB at 100k passages), so an index is usable at once
 * and answers exactly as a fully read one.
 */
class ColumnReader {
  private readonly read: Uint8Array;
  private done = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly columns: Float32Array,
    private readonly count: number,
    dimension: number,
  ) {
    this.read = new Uint8Array(dimension);
  }

  private view(d: number): Uint8Array {
    return new Uint8Array(this.columns.buffer, d * this.count * 4, this.count * 4);
  }

  /** Column d in memory now (a synchronous read when the background has not reached it). */
  ensure(d: number): void {
    if (this.done || this.read[d]) return;
    const view = this.view(d);
    for (let at = 0; at < view.length; ) {
      const n = readSync(this.handle.fd, view, at, view.length - at, d * this.count * 4 + at);
      if (n === 0) throw new Error(`the dense columns file ended inside column ${d}`);
      at += n;
    }
    this.read[d] = 1;
  }

  ensureAll(): void {
    for (let d = 0; d < this.read.length; d++) this.ensure(d);
  }

  /** Reads every column not read yet, then closes the file; a failure leaves the rest to ensure(). */
  async readRest(): Promise<void> {
    try {
      for (let d = 0; d < this.read.length; d++) {
        if (this.read[d]) continue;
        const view = this.view(d);
        for (let at = 0; at < view.length; ) {
          const { bytesRead } = await this.handle.read(view, at, view.length - at, d * this.count * 4 + at);
          if (bytesRead === 0) throw new Error(`the dense columns file ended inside column ${d}`);
          at += bytesRead;
        }
        this.read[d] = 1;
      }
      this.done = true;
      await this.handle.close();
    } catch {
      // The columns not read stay to be read by ensure(), which reports the problem itself.
    }
  }
}

/**
 * Exact cosine search over a dimension-major ("column") matrix of unit vectors, for the builtin
 * embedder. Its vectors are feature-hashed bags of words: a question sets a few dozen of 512
 * dimensions, so scoring every passage on just those dimensions is an exact search at a few
 * percent of a full scan, with nothing to build. A graph (HNSW) is the hard case on such
 * vectors: its recall@10 fell to 0.75 at 100k passages.
 *
 * Scores are the same float64 sums a row-major brute force computes (zero dimensions add
 * exactly 0, the rest are added in the same ascending order), so the neighbours are exactly
 * the brute force's, ties broken by the lower position.
 */
export class ColumnDenseIndex implements DenseIndex {
  private ids: IdList;
  /** columns[d * count + i]: dimension d of passage i's unit vector. */
  private columns: Float32Array;
  /** Running scores of one block of passages, reused by every search. */
  private readonly scores: Float64Array;
  /** Columns of a loaded index still being read; null once everything is in memory. */
  private reader: ColumnReader | null;

  constructor(
    readonly dimension: number,
    contents: { ids: IdList; columns: Float32Array; reader?: ColumnReader } = {
      ids: new IdList(),
      columns: new Float32Array(0),
    },
  ) {
    this.ids = contents.ids;
    this.columns = contents.columns;
    this.reader = contents.reader ?? null;
    if (this.columns.length !== this.ids.count * dimension)
      throw new Error(
        `${this.columns.length} values for ${this.ids.count} vectors of ${dimension} dimensions`,
      );
    this.scores = new Float64Array(BLOCK);
  }

  /** Bulk construction: a preallocated matrix each position's vector is written into once. */
  static builder(dimension: number, count: number): DenseIndexBuilder {
    const columns = new Float32Array(dimension * count);
    return {
      dimension,
      count,
      put(position, vector) {
        checkDimension(vector, dimension);
        const u = unit(vector);
        for (let d = 0; d < dimension; d++) columns[d * count + position] = u[d] ?? 0;
      },
      build: async (ids) => {
        if (ids.length !== count) throw new Error(`${ids.length} ids for ${count} vectors`);
        return new ColumnDenseIndex(dimension, { ids: new IdList(ids), columns });
      },
    };
  }

  static async load(dir: string): Promise<ColumnDenseIndex> {
    const info = JSON.parse(await readFile(path.join(dir, DENSE_INFO_FILE), "utf8")) as DenseIndexInfo;
    const ids = await IdList.load(dir);
    const handle = await open(path.join(dir, COLUMNS_FILE), "r");
    const { size } = await handle.stat();
    if (size !== ids.count * info.dimension * 4) {
      await handle.close();
      throw new Error(
        `${dir}: ${size} bytes of columns for ${ids.count} vectors of ${info.dimension} dimensions`,
      );
    }
    const columns = new Float32Array(ids.count * info.dimension);
    const reader = new ColumnReader(handle, columns, ids.count, info.dimension);
    void reader.readRest();
    return new ColumnDenseIndex(info.dimension, { ids, columns, reader });
  }

  get count(): number {
    return this.ids.count;
  }

  /** The stored unit vectors, dimension-major (for benchmarks that check the search against them). */
  get matrix(): { columns: Float32Array; count: number } {
    this.reader?.ensureAll();
    return { columns: this.columns, count: this.count };
  }

  add(ids: readonly string[], vectors: readonly ArrayLike<number>[]): void {
    if (ids.length !== vectors.length) throw new Error(`${ids.length} ids for ${vectors.length} vectors`);
    if (ids.length === 0) return;
    // Appending to a dimension-major matrix moves every column; ingest uses the builder instead.
    this.reader?.ensureAll();
    this.reader = null;
    const before = this.count;
    const after = before + ids.length;
    const columns = new Float32Array(this.dimension * after);
    for (let d = 0; d < this.dimension; d++)
      columns.set(this.columns.subarray(d * before, (d + 1) * before), d * after);
    vectors.forEach((vector, i) => {
      checkDimension(vector, this.dimension);
      const u = unit(vector);
      for (let d = 0; d < this.dimension; d++) columns[d * after + before + i] = u[d] ?? 0;
    });
    this.columns = columns;
    this.ids.push(ids);
  }

  search(vector: number[], k: number): SearchHit[] {
    return this.searchMany([vector], k)[0] ?? [];
  }

  /**
   * Several queries in one pass over the columns (a comparison searches its question and one
   * sub-query per side): each block of a column is read from memory once and added into every
   * query that sets that dimension, where separate searches read it once per query. Each query's
   * scores are summed exactly as search() alone sums them, so the hits are the same.
   */
  searchMany(vectors: number[][], k: number): SearchHit[][] {
    const n = this.count;
    const m = Math.min(k, n);
    if (m <= 0) return vectors.map(() => []);
    const queries = vectors.map((v) => unit(v));
    const dimensionsUsed: number[] = [];
    for (let d = 0; d < this.dimension; d++) if (queries.some((q) => q[d] !== 0)) dimensionsUsed.push(d);
    for (const d of dimensionsUsed) this.reader?.ensure(d);
    const scores = queries.map((_, qi) => (qi === 0 ? this.scores : new Float64Array(BLOCK)));
    const columns = this.columns;
    const best = queries.map(() => new Int32Array(m).fill(-1));
    const bestScore = queries.map(() => new Float64Array(m).fill(Number.NEGATIVE_INFINITY));
    // Passages a block at a time, so the block's running scores stay in the CPU cache while
    // every query dimension is added in (a full-length score array went to memory and back
    // once per dimension). Each passage still sums its dimensions in ascending order.
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      const length = to - from;
      for (const s of scores) s.fill(0, 0, length);
      for (const d of dimensionsUsed) {
        const column = columns.subarray(d * n + from, d * n + to);
        for (let qi = 0; qi < queries.length; qi++) {
          const q = queries[qi]![d]!;
          if (q === 0) continue;
          addScaled(scores[qi]!, column, q, length);
        }
      }
      for (let qi = 0; qi < queries.length; qi++) {
        const s = scores[qi]!;
        const top = best[qi]!;
        const topScore = bestScore[qi]!;
        // The m best in a sorted buffer: almost every passage fails the first comparison.
        for (let i = 0; i < length; i++) {
          const value = s[i]!;
          if (value <= topScore[m - 1]!) continue;
          let p = m - 1;
          // Strictly less: an equal score already kept came from a lower position and stays ahead.
          while (p > 0 && topScore[p - 1]! < value) {
            topScore[p] = topScore[p - 1]!;
            top[p] = top[p - 1]!;
            p--;
          }
          topScore[p] = value;
          top[p] = from + i;
        }
      }
    }
    return queries.map((_, qi) => {
      const hits: SearchHit[] = [];
      for (let p = 0; p < m; p++) hits.push({ id: this.ids.at(best[qi]![p]!), score: bestScore[qi]![p]! });
      return hits;
    });
  }

  async save(dir: string): Promise<void> {
    this.reader?.ensureAll();
    await mkdir(dir, { recursive: true });
    await writeTyped(path.join(dir, COLUMNS_FILE), this.columns);
    await this.ids.save(dir);
    const info: DenseIndexInfo = { kind: "column", dimension: this.dimension, count: this.count };
    await writeFile(path.join(dir, DENSE_INFO_FILE), JSON.stringify(info));
  }
}

/**
 * scores[i] += column[i] × q for the first `length` entries, four at a time: V8 keeps the
 * unrolled loop's loads and adds in registers, about 2.5× faster than one at a time here. Each
 * entry is still one float64 multiply-add, so every sum is the same as the plain loop's.
 */
function addScaled(scores: Float64Array, column: Float32Array, q: number, length: number): void {
  let i = 0;
  for (; i + 3 < length; i += 4) {
    scores[i] = scores[i]! + column[i]! * q;
    scores[i + 1] = scores[i + 1]! + column[i + 1]! * q;
    scores[i + 2] = scores[i + 2]! + column[i + 2]! * q;
    scores[i + 3] = scores[i + 3]! + column[i + 3]! * q;
  }
  for (; i < length; i++) scores[i] = scores[i]! + column[i]! * q;
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
  return Float64Array.from(vector, (x) => x / norm);
}
