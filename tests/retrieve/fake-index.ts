import type { RetrievalIndex, SearchHit } from "../../src/retrieve/ports.js";
import type { Chunk } from "../../src/types.js";

/** A passage for tests: only what retrieval reads. */
export function passage(id: string, text: string, headingPath: string[] = []): Chunk {
  return { id, source: `${id}.md`, title: id, headingPath, ordinal: 0, start: 0, end: text.length, text };
}

/**
 * An in-memory RetrievalIndex: lexical score = how many query terms the passage contains;
 * dense = a fixed ranking per query vector's first component (tests choose it). Stable order is
 * the order of `chunks`, deliberately not the order of ids, so tests can tell them apart.
 */
export function fakeIndex(
  chunks: Chunk[],
  dense: ((vector: number[]) => string[]) | null = null,
): RetrievalIndex & { searchedTerms: string[][] } {
  const position = new Map(chunks.map((c, i) => [c.id, i]));
  const searchedTerms: string[][] = [];
  const order = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  return {
    searchedTerms,
    lexical: {
      size: chunks.length,
      search(terms, k) {
        searchedTerms.push(terms);
        const hits: SearchHit[] = chunks
          .map((c) => ({
            id: c.id,
            score: new Set(terms).size === 0 ? 0 : terms.filter((t) => c.text.includes(t)).length,
          }))
          .filter((h) => h.score > 0);
        return hits.sort((a, b) => b.score - a.score || order(a.id) - order(b.id)).slice(0, k);
      },
      documentFrequency: (term) => chunks.filter((c) => c.text.includes(term)).length,
    },
    dense: dense
      ? {
          search: (vector, k) =>
            dense(vector)
              .slice(0, k)
              .map((id, i) => ({ id, score: 1 - i / 100 })),
        }
      : null,
    passages: { get: (id) => chunks[position.get(id) ?? -1], order },
  };
}
