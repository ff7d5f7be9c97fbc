import { SIDES, type Side } from "../text/lexicon.js";
import type { ScoredPassage } from "./passages.js";

/**
 * The passages an answer is built from: the first k of the ranking, except that for a comparison
 * each side gets its best passage on the aspect asked about when the ranking has one (a
 * comparison that shows one side only is not balanced). A side's passage enters in place of the
 * lowest-ranked passage that is not itself some side's representative.
 */
export function balanceSides(
  ranked: ScoredPassage[],
  k: number,
  speaksFor: ((passage: ScoredPassage, side: Side) => boolean) | null,
): ScoredPassage[] {
  const top = ranked.slice(0, k);
  if (!speaksFor) return top;
  const protectedIds = new Set<string>();
  for (const side of SIDES) {
    const present = top.find((s) => speaksFor(s, side));
    if (present) {
      protectedIds.add(present.chunk.id);
      continue;
    }
    const best = ranked.find((s) => !top.includes(s) && speaksFor(s, side));
    if (!best) continue;
    let replaceAt = top.length;
    if (top.length >= k) {
      for (let i = top.length - 1; i >= 0; i--) {
        if (!protectedIds.has(top[i]?.chunk.id ?? "")) {
          replaceAt = i;
          break;
        }
      }
    }
    top[replaceAt] = best;
    protectedIds.add(best.chunk.id);
  }
  return top;
}
