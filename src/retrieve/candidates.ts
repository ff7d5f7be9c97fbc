import type { IndexEmbeddings } from "../embed/types.js";
import { SIDES, type Side, sideWord } from "../text/lexicon.js";
import type { RetrievalIndex } from "./ports.js";
import type { QueryAnalysis } from "./query.js";

/** One search: the terms for the lexical index, the text for the embedder. */
export interface SubQuery {
  lexical: string[];
  dense: string;
  side?: Side;
}

/** One retriever's ranking for one sub-query, best first, with its vote in the fusion. */
export interface RankedList {
  weight: number;
  ids: string[];
}

/**
 * The question itself, and for a comparison its aspect once per side, so that each side's
 * passages compete with their own kind rather than with the side the articles say more about.
 */
export function subQueries(analysis: QueryAnalysis): SubQuery[] {
  const queries: SubQuery[] = [{ lexical: analysis.searchTerms, dense: analysis.denseText }];
  if (analysis.comparison) {
    const aspectTerms = analysis.concepts.flatMap((c) => c.alternatives);
    for (const side of SIDES) {
      queries.push({
        lexical: [...aspectTerms, sideWord(side)],
        dense: `${sideWord(side)} ${analysis.denseText}`,
        side,
      });
    }
  }
  return queries;
}

/**
 * Candidate lists: per sub-query a lexical list (weight 1) and, when the index has vectors, a
 * dense list (weight `denseWeight`), in that order (the fusion sums in list order).
 */
export async function gatherCandidates(
  queries: SubQuery[],
  index: RetrievalIndex,
  embeddings: Pick<IndexEmbeddings, "embedQuery">,
  options: { candidates: number; denseWeight: number },
): Promise<RankedList[]> {
  const dense = index.dense;
  // Queries go through embedQuery: models such as bge and e5 embed a query differently from a passage.
  const vectors = dense ? await Promise.all(queries.map((q) => embeddings.embedQuery(q.dense))) : [];
  // One pass for all sub-queries where the index can (the column scan reads memory once).
  const denseHits = dense
    ? (dense.searchMany?.(vectors, options.candidates) ??
      vectors.map((v) => dense.search(v, options.candidates)))
    : [];
  const lists: RankedList[] = [];
  queries.forEach((q, qi) => {
    lists.push({ weight: 1, ids: index.lexical.search(q.lexical, options.candidates).map((h) => h.id) });
    const hits = denseHits[qi];
    if (hits) lists.push({ weight: options.denseWeight, ids: hits.map((h) => h.id) });
  });
  return lists;
}
