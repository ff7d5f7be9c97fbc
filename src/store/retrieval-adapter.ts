/**
 * Temporary: today's SearchIndex (positions into chunks[]) seen through the retrieval ports
 * (chunk ids). To be replaced by the store's own RetrievalIndex; nothing else may depend on it.
 */
import type { IndexSource, RetrievalIndex, SearchHit } from "../retrieve/ports.js";
import type { SearchIndex } from "./search-index.js";

export function toRetrievalIndex(index: SearchIndex): RetrievalIndex {
  const { chunks, bm25, dense } = index;
  const position = new Map(chunks.map((c, i) => [c.id, i]));
  const byPosition = (hits: Array<{ index: number; score: number }>): SearchHit[] =>
    hits.flatMap((h) => {
      const chunk = chunks[h.index];
      return chunk ? [{ id: chunk.id, score: h.score }] : [];
    });
  return {
    lexical: {
      get size() {
        return bm25.size;
      },
      search: (terms, k) => byPosition(bm25.search(terms, k)),
      documentFrequency: (term) => bm25.documentFrequency(term),
    },
    dense: dense ? { search: (vector, k) => byPosition(dense.search(vector, k)) } : null,
    passages: {
      get: (id) => {
        const i = position.get(id);
        return i === undefined ? undefined : chunks[i];
      },
      // Unknown ids sort last.
      order: (id) => position.get(id) ?? Number.MAX_SAFE_INTEGER,
    },
  };
}

/** An IndexSource over a handle that loads SearchIndex builds; one adapter per loaded build. */
export function retrievalSource(handle: { current(): Promise<SearchIndex> }): IndexSource {
  const adapted = new WeakMap<SearchIndex, RetrievalIndex>();
  return {
    async current() {
      const index = await handle.current();
      let view = adapted.get(index);
      if (!view) {
        view = toRetrievalIndex(index);
        adapted.set(index, view);
      }
      return view;
    },
  };
}
