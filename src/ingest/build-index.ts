import { type Bm25Data, buildBm25 } from "../store/bm25.js";
import type { DenseIndex } from "../store/dense/dense-index.js";
import { createDenseIndex } from "../store/dense/factory.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk } from "../types.js";

/** The text whose BM25 terms represent a passage: its heading path gives section context. */
export function lexicalText(chunk: Pick<Chunk, "headingPath" | "text">): string {
  return `${chunk.headingPath.join(" ")}\n${chunk.text}`;
}

export interface SearchStructures {
  bm25: Bm25Data;
  /** null for an empty corpus: there is nothing to search. */
  dense: DenseIndex | null;
}

/** Index stage: BM25 postings over each passage's terms, and the dense index over its vector. */
export function buildSearchStructures(
  chunks: Chunk[],
  vectors: number[][],
  dimension: number,
  tokenizer: Tokenizer,
): SearchStructures {
  const bm25 = buildBm25(chunks.map((c) => tokenizer.terms(lexicalText(c))));
  let dense: DenseIndex | null = null;
  if (chunks.length > 0) {
    dense = createDenseIndex(dimension);
    dense.add(
      chunks.map((c) => c.id),
      vectors,
    );
  }
  return { bm25, dense };
}
