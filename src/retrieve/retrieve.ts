/**
 * Hybrid retrieval, in stages: candidates (lexical and dense lists per sub-query) → fuse
 * (weighted reciprocal rank) → rerank (the head) → dedupe (near-duplicates) → balance sides (a
 * comparison shows both). Sees the index only through ports.ts; passages are chunk ids throughout.
 */
import type { RetrievalSettings } from "../config.js";
import type { IndexEmbeddings } from "../embed/types.js";
import type { Side } from "../text/lexicon.js";
import type { Tokenizer } from "../text/tokenizer.js";
import { balanceSides } from "./balance.js";
import { gatherCandidates, subQueries } from "./candidates.js";
import { conceptWeights, coverage, matchableTexts } from "./coverage.js";
import { collapseNearDuplicates } from "./dedupe.js";
import { denseWeightFor, fuseReciprocalRank } from "./fuse.js";
import { demoteInstructionLike } from "./injection.js";
import { passageSide, type ScoredPassage } from "./passages.js";
import type { RetrievalIndex } from "./ports.js";
import type { QueryAnalysis } from "./query.js";
import { rerankHead } from "./rerank.js";
import type { Reranker } from "./rerankers/reranker.js";

export type { ScoredPassage } from "./passages.js";

/** The tunables retrieve() reads (config.retrieval has them all). */
export type RetrieveSettings = Pick<
  RetrievalSettings,
  | "candidates"
  | "rrfC"
  | "denseWeight"
  | "rerankDepth"
  | "listHead"
  | "nearDuplicateJaccard"
  | "sideAspectShare"
>;

export interface RetrieveDeps {
  embeddings: Pick<IndexEmbeddings, "id" | "embedQuery">;
  tokenizer: Tokenizer;
  /** null: keep the fused order (RERANKER=none). */
  reranker: Reranker | null;
  settings: RetrieveSettings;
}

export interface RetrieveOptions {
  /** Passages handed to the answer step. */
  k: number;
  /** How many passages of the ranking to report (at least k); 10 by default. */
  report?: number;
}

export interface Retrieval {
  /** IDF weight of each of the question's concepts in this index, in concept order. */
  conceptWeights: number[];
  /** The ranking, best first, near-duplicates collapsed. */
  ranked: ScoredPassage[];
  /** The passages the answer is built from (k, both sides represented for comparisons). */
  top: ScoredPassage[];
}

export async function retrieve(
  analysis: QueryAnalysis,
  index: RetrievalIndex,
  deps: RetrieveDeps,
  options: RetrieveOptions,
): Promise<Retrieval> {
  const { settings } = deps;
  const order = (id: string) => index.passages.order(id);
  const report = Math.max(options.report ?? 10, options.k);

  const lists = await gatherCandidates(subQueries(analysis), index, deps.embeddings, {
    candidates: settings.candidates,
    denseWeight: denseWeightFor(deps.embeddings.id, settings.denseWeight),
  });
  const fused: ScoredPassage[] = [];
  for (const hit of fuseReciprocalRank(lists, settings.rrfC, order)) {
    const chunk = index.passages.get(hit.id);
    if (chunk) fused.push({ chunk, score: hit.score });
  }
  const weights = conceptWeights(analysis, index.lexical);
  const reranked = await rerankHead(
    fused,
    lists,
    deps.reranker,
    { analysis, conceptWeights: weights, lexical: index.lexical },
    { depth: settings.rerankDepth, listHead: settings.listHead, order },
  );
  // Ten beyond what is reported, so that balancing sides has passages to choose from.
  // Below every reranker's order: passages that talk to the model are not evidence (injection.ts).
  const ranked = collapseNearDuplicates(demoteInstructionLike(quotableFirst(reranked, analysis)), {
    limit: report + 10,
    threshold: settings.nearDuplicateJaccard,
  });

  let speaksFor: ((p: ScoredPassage, side: Side) => boolean) | null = null;
  if (analysis.comparison) {
    const view = matchableTexts(deps.tokenizer, index.lexical);
    const share = (p: ScoredPassage) => coverage(analysis, weights, [view(p.chunk)]).share;
    // Relative to the best of the head: when no passage says all of what was asked (透明度 and
    // 得分 apart), a passage on half of it is as much "on the aspect" as any, and an absolute
    // bar would swap good passages for ones that happen to hold the heavier word.
    const best = Math.max(0, ...ranked.slice(0, options.k).map(share));
    speaksFor = (p, side) => {
      const ps = passageSide(p.chunk);
      return (ps === side || ps === "both") && share(p) >= settings.sideAspectShare * best;
    };
  }
  const top = balanceSides(ranked, options.k, speaksFor);
  return { conceptWeights: weights, ranked: ranked.slice(0, report), top };
}

/**
 * Code is quoted only to a question about code (src/answer/extractive.ts), so for any other
 * question a code passage in the head would take the place of one the answer can quote: code
 * passages keep their order, below the others.
 */
function quotableFirst(ranked: ScoredPassage[], analysis: QueryAnalysis): ScoredPassage[] {
  if (analysis.asksCode) return ranked;
  const code = ranked.filter((p) => p.chunk.kind === "code");
  if (code.length === 0) return ranked;
  return [...ranked.filter((p) => p.chunk.kind !== "code"), ...code];
}
