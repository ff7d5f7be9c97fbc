import type { RerankerName, RetrievalSettings } from "../../config.js";
import type { Tokenizer } from "../../text/tokenizer.js";
import { CoverageReranker } from "./coverage.js";
import type { Reranker } from "./reranker.js";

export type { Reranker, RerankQuery } from "./reranker.js";

/** Every name RERANKER accepts and how to build it; null: keep the fused order. */
const RERANKERS: Record<
  RerankerName,
  (settings: RetrievalSettings, deps: { tokenizer: Tokenizer }) => Reranker | null
> = {
  coverage: (settings, deps) => new CoverageReranker(deps.tokenizer, settings.rerankWeight),
  none: () => null,
};

export function createReranker(settings: RetrievalSettings, deps: { tokenizer: Tokenizer }): Reranker | null {
  return RERANKERS[settings.reranker](settings, deps);
}
