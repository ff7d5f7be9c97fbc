import type { ScoredPassage } from "../passages.js";
import type { LexicalSearch } from "../ports.js";
import type { QueryAnalysis } from "../query.js";

/** What a reranker knows about the question. */
export interface RerankQuery {
  analysis: QueryAnalysis;
  /** IDF weight of each of analysis.concepts in this index, in concept order. */
  conceptWeights: number[];
  /** The index the passages come from: its indexed terms spare tokenising them again. */
  lexical?: Pick<LexicalSearch, "indexedTerms">;
}

/**
 * Reorders the head of the fused ranking. Shaped like LangChain's
 * `BaseDocumentCompressor.compressDocuments(documents, query)`, so a cross-encoder or a LangChain
 * compressor can be wrapped as one: async, given the candidates (best fused first, each with its
 * fused score) and the query, it returns them rescored. It may leave passages out. The caller
 * ranks what it returns by score, equal scores in the index's stable order, so a reranker need
 * not sort and cannot make the ranking depend on how it iterates.
 */
export interface Reranker {
  readonly name: string;
  rerank(passages: ScoredPassage[], query: RerankQuery): Promise<ScoredPassage[]>;
}
