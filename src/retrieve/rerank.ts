import type { RankedList } from "./candidates.js";
import { byScoreThenOrder } from "./fuse.js";
import type { ScoredPassage } from "./passages.js";
import type { PassageLookup } from "./ports.js";
import type { Reranker, RerankQuery } from "./rerankers/reranker.js";

/**
 * The rerank stage: the reranker rescores the head of the fused ranking (its first `depth`
 * passages, plus the top `listHead` of every single list: a passage that one retriever ranks
 * first can sit deep in the fused order when the other retriever missed it). The head, ranked by
 * the new scores, goes first; the rest follows in fused order with fused scores.
 */
export async function rerankHead(
  fused: ScoredPassage[],
  lists: RankedList[],
  reranker: Reranker | null,
  query: RerankQuery,
  options: { depth: number; listHead: number; order: PassageLookup["order"] },
): Promise<ScoredPassage[]> {
  if (!reranker) return fused;
  const listHeads = new Set(lists.flatMap((l) => l.ids.slice(0, options.listHead)));
  const head = fused.filter((p, i) => i < options.depth || listHeads.has(p.chunk.id));
  const inHead = new Set(head.map((p) => p.chunk.id));
  const compare = byScoreThenOrder(options.order);
  const reranked = (await reranker.rerank(head, query)).sort((a, b) =>
    compare({ id: a.chunk.id, score: a.score }, { id: b.chunk.id, score: b.score }),
  );
  return [...reranked, ...fused.filter((p) => !inHead.has(p.chunk.id))];
}
