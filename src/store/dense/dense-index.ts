/**
 * The dense-vector seam of the store: passages are named by chunk id going in and coming out,
 * so nothing outside an implementation knows how it labels its points (hnswlib wants integers).
 */
import type { SearchHit } from "../../retrieve/ports.js";

export interface DenseIndex {
  /** Passages in the index. */
  readonly count: number;
  /** Add passages; `vectors[i]` belongs to `ids[i]`. Vectors need not be normalised. */
  add(ids: readonly string[], vectors: readonly number[][]): void;
  /** The k nearest passages, best first; scores are cosine similarities (1 = same direction). */
  search(vector: number[], k: number): SearchHit[];
  /** Write the index, with its own id mapping, into `dir` (created if missing). */
  save(dir: string): Promise<void>;
}

/** Settings that shape searches, not what is stored: they may change without a rebuild. */
export interface DenseSearchOptions {
  /** HNSW's candidate list size at search time; ignored by exact search. */
  ef?: number;
}

/** Written beside every saved dense index, so loading knows which implementation reads it. */
export interface DenseIndexInfo {
  kind: DenseIndexKind;
  dimension: number;
}

export type DenseIndexKind = "hnsw" | "exact";

export const DENSE_INFO_FILE = "dense.json";
export const DENSE_IDS_FILE = "ids.json";
