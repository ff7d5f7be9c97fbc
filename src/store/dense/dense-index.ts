/**
 * The dense-vector seam of the store: passages are named by chunk id going in and coming out,
 * so nothing outside an implementation knows how it labels its points (hnswlib wants integers).
 */
import type { SearchHit } from "../../retrieve/ports.js";

export interface DenseIndex {
  /** Passages in the index. */
  readonly count: number;
  /** Add passages; `vectors[i]` belongs to `ids[i]`. Vectors need not be normalised. */
  add(ids: readonly string[], vectors: readonly ArrayLike<number>[]): void;
  /** The k nearest passages, best first; scores are cosine similarities (1 = same direction). */
  search(vector: number[], k: number): SearchHit[];
  /** search() for several vectors at once, where the index can share work between them; same hits. */
  searchMany?(vectors: number[][], k: number): SearchHit[][];
  /** Releases what the index holds besides memory (helper threads); it keeps answering. */
  close?(): Promise<void>;
  /** Write the index, with its own id mapping, into `dir` (created if missing). */
  save(dir: string): Promise<void>;
}

/**
 * Bulk construction at ingest, where `add` of a million `number[]` would not fit in memory:
 * the vector of each position is put once (cached vectors arrive in the cache file's order,
 * new ones batch by batch), then `build` makes the index over all of them.
 */
export interface DenseIndexBuilder {
  readonly dimension: number;
  readonly count: number;
  put(position: number, vector: ArrayLike<number>): void;
  /** The index, `ids[i]` naming position i. May run on another thread (HNSW's graph). */
  build(ids: readonly string[]): Promise<DenseIndex>;
}

/** Settings that shape searches, not what is stored: they may change without a rebuild. */
export interface DenseSearchOptions {
  /** HNSW's candidate list size at search time; ignored by exact search. */
  ef?: number;
  /** Threads the exact column scan and BM25 of a large index are shared between (SEARCH_THREADS); HNSW ignores it. */
  threads?: number;
  /** The fewest passages worth splitting a search for (default src/store/split-scan.ts's; tests lower it). */
  splitFrom?: number;
}

/** Written beside every saved dense index, so loading knows which implementation reads it. */
export interface DenseIndexInfo {
  kind: DenseIndexKind;
  dimension: number;
  count?: number;
  /** HNSW's construction settings, for the record. */
  m?: number;
  efConstruction?: number;
}

/**
 * hnsw: approximate graph search (dense model vectors); column: exact scan over a
 * dimension-major matrix, visiting only the query's non-zero dimensions (the builtin
 * embedder's sparse hashed vectors); exact: the row-major brute-force reference.
 */
export type DenseIndexKind = "hnsw" | "column" | "exact";

export const DENSE_INFO_FILE = "dense.json";
