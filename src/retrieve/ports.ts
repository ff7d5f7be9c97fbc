/**
 * What retrieval and answering need from an index, and nothing more. `src/store/` implements
 * these over its build files; another store (Qdrant, Elasticsearch, pgvector) would implement
 * them over its own. Passages are named by chunk id everywhere: no array position leaks out.
 */
import type { Bridge } from "../text/bridge.js";
import type { Chunk } from "../types.js";

export interface SearchHit {
  /** Chunk id. */
  id: string;
  /** Higher is better; comparable only within one list. */
  score: number;
}

/** Keyword search over the passages' terms (BM25 in the builtin store). */
export interface LexicalSearch {
  /** Passages in the collection: the N of an IDF. */
  readonly size: number;
  search(terms: string[], k: number): SearchHit[];
  /** Passages containing the term (0 when none does). */
  documentFrequency(term: string): number;
  /**
   * The passage's indexed terms (its heading path, lead and text, tokenised as ingest did), for
   * membership tests; undefined when the id is not in this index. Optional: a store that cannot
   * answer cheaply leaves it out and callers tokenise the passage themselves.
   */
  indexedTerms?(id: string): { has(term: string): boolean } | undefined;
}

/** Nearest passages to a query vector; scores are cosine similarities. */
export interface VectorSearch {
  search(vector: number[], k: number): SearchHit[];
  /** search() for several vectors, in order; an index that can share work between them offers it. */
  searchMany?(vectors: number[][], k: number): SearchHit[][];
}

/** Passage lookup by id. */
export interface PassageLookup {
  get(id: string): Chunk | undefined;
  /**
   * The passage's place in the index's stable order (the order ingest wrote them in). Used only
   * to break score ties deterministically, so equal scores always rank the same way.
   */
  order(id: string): number;
}

/** One loaded index as retrieval sees it. */
export interface RetrievalIndex {
  lexical: LexicalSearch;
  /** null when the index was built without vectors. */
  dense: VectorSearch | null;
  passages: PassageLookup;
  /** English ↔ Chinese words of the passages (src/text/bridge.ts); absent: no translations. */
  bridge?: Bridge;
}

/** Where the current index comes from: a handle that reloads when a new build is published. */
export interface IndexSource {
  current(): Promise<RetrievalIndex>;
}
