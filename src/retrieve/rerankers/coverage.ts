import type { MatchableText } from "../../text/concepts.js";
import { foldText } from "../../text/normalize.js";
import type { Tokenizer } from "../../text/tokenizer.js";
import { coverage, matchableTexts } from "../coverage.js";
import type { ScoredPassage } from "../passages.js";
import type { Reranker, RerankQuery } from "./reranker.js";

/** How much a heading naming the question's concepts adds, as a share of the coverage weight. */
const HEADING_SHARE = 0.3;

function headingView(heading: string, tokenizer: Tokenizer): MatchableText {
  const text = foldText(heading);
  return { terms: new Set(tokenizer.terms(text)), text };
}

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
    const view = matchableTexts(this.tokenizer, query.lexical);
    const best = passages[0]?.score ?? 1;
    return passages.map((p) => {
      const answered = coverage(query.analysis, query.conceptWeights, [view(p.chunk)]).share;
      // A passage under a heading that names the asked concept ("面临的挑战") is about it; one
      // that names it in passing ("各有其优势和挑战") is not.
      const heading = p.chunk.headingPath[p.chunk.headingPath.length - 1] ?? "";
      const about = heading
        ? coverage(query.analysis, query.conceptWeights, [headingView(heading, this.tokenizer)]).share
        : 0;
      return {
        chunk: p.chunk,
        // Scaled by what the passage answers: a heading confirms what a passage is about, it
        // does not stand in for answering the rest of the question.
        score: p.score / best + this.weight * answered * (1 + HEADING_SHARE * about),
      };
    });
  }
}
