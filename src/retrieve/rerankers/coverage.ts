import type { Tokenizer } from "../../text/tokenizer.js";
import { coverage, matchableTexts } from "../coverage.js";
import type { ScoredPassage } from "../passages.js";
import type { Reranker, RerankQuery } from "./reranker.js";

/**
 * Rescores by how much of the question each passage answers on its own: rank fusion rewards
 * passages that are merely decent in both lists over one that is the clear lexical match for
 * every concept asked about. Score = fused score / best fused score + weight × coverage share.
 */
export class CoverageReranker implements Reranker {
  readonly name = "coverage";

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly weight: number,
  ) {}

  async rerank(passages: ScoredPassage[], query: RerankQuery): Promise<ScoredPassage[]> {
    const view = matchableTexts(this.tokenizer);
    const best = passages[0]?.score ?? 1;
    return passages.map((p) => {
      const answered = coverage(query.analysis, query.conceptWeights, [view(p.chunk)]).share;
      return { chunk: p.chunk, score: p.score / best + this.weight * answered };
    });
  }
}
