import type { RetrievalSettings } from "../config.js";
import type { RankedList } from "./candidates.js";
import type { PassageLookup, SearchHit } from "./ports.js";

/** The dense list's vote for an embedder: one rule, used by the answerer, the bench and the digest alike. */
export function denseWeightFor(embedderId: string, weights: RetrievalSettings["denseWeight"]): number {
  return embedderId.startsWith("builtin:") ? weights.builtin : weights.model;
}

/** Best first; equal scores in the index's stable order, so a ranking never depends on Map iteration. */
export function byScoreThenOrder(order: PassageLookup["order"]): (a: SearchHit, b: SearchHit) => number {
  return (a, b) => b.score - a.score || order(a.id) - order(b.id);
}

/**
 * Weighted reciprocal-rank fusion: a passage at rank r (from 0) of a list gains
 * weight / (c + r + 1). Ranks, not scores, because BM25 and cosine scores are not comparable.
 */
export function fuseReciprocalRank(
  lists: RankedList[],
  c: number,
  order: PassageLookup["order"],
): SearchHit[] {
  const fused = new Map<string, number>();
  // Summed in list order: floating-point addition is not associative, and the digest checks scores exactly.
  for (const { weight, ids } of lists) {
    ids.forEach((id, rank) => {
      fused.set(id, (fused.get(id) ?? 0) + weight / (c + rank + 1));
    });
  }
  return [...fused].map(([id, score]) => ({ id, score })).sort(byScoreThenOrder(order));
}
