import { charBigrams, jaccard } from "../text/similarity.js";
import type { Chunk } from "../types.js";
import type { ScoredPassage } from "./passages.js";

/**
 * Keeps the first of passages that say the same thing (a reprint on another site, or two
 * overlapping passages) by Jaccard similarity of their character bigrams, and stops at `limit`.
 */
export function collapseNearDuplicates(
  ranked: ScoredPassage[],
  options: { limit: number; threshold: number },
): ScoredPassage[] {
  const cache = new Map<string, Set<string>>();
  const gramsOf = (chunk: Chunk) => {
    let grams = cache.get(chunk.id);
    if (!grams) {
      grams = charBigrams(chunk.text.replace(/\s+/g, ""));
      cache.set(chunk.id, grams);
    }
    return grams;
  };
  const kept: ScoredPassage[] = [];
  for (const p of ranked) {
    if (kept.length >= options.limit) break;
    const grams = gramsOf(p.chunk);
    if (kept.some((k) => jaccard(gramsOf(k.chunk), grams) >= options.threshold)) continue;
    kept.push(p);
  }
  return kept;
}
