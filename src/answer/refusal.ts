/**
 * When to refuse rather than answer, and what a refusal says. The articles are taken not to
 * cover a question when retrieval found nothing, when the question names something the articles
 * never mention, or when no single passage among the best three expresses enough of it.
 */
import { coverage, matchableTexts } from "../retrieve/coverage.js";
import { passageSide } from "../retrieve/passages.js";
import type { LexicalSearch } from "../retrieve/ports.js";
import type { QueryAnalysis, Side } from "../retrieve/query.js";
import type { Retrieval } from "../retrieve/retrieve.js";
import { LEXICON } from "../text/lexicon.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Language } from "../types.js";

export interface Evidence {
  /** Share (by IDF weight) of the question's concepts found in the top three passages, 0..1. */
  coverage: number;
  /** The same share for the single best of the top three passages. */
  bestPassageCoverage: number;
  /** Concepts found nowhere in the top three passages. */
  missing: string[];
  /** For a comparison: whether any top passage speaks for each side. */
  sides: Record<Side, boolean>;
  /** Names in the question that no passage of the index mentions. */
  unknownNames: string[];
}

export function assessEvidence(
  analysis: QueryAnalysis,
  retrieval: Pick<Retrieval, "top" | "conceptWeights">,
  lexical: LexicalSearch,
  tokenizer: Tokenizer,
): Evidence {
  const view = matchableTexts(tokenizer, lexical);
  const weights = retrieval.conceptWeights;
  const views = retrieval.top.slice(0, 3).map((s) => view(s.chunk));
  const { share, missing } = coverage(analysis, weights, views);
  const bestPassageCoverage = Math.max(0, ...views.map((v) => coverage(analysis, weights, [v]).share));
  const sides = { open: false, closed: false };
  for (const s of retrieval.top) {
    const side = passageSide(s.chunk);
    if (side === "open" || side === "both") sides.open = true;
    if (side === "closed" || side === "both") sides.closed = true;
  }
  const unknownNames = analysis.concepts
    .filter((c) => c.name && c.alternatives.every((a) => lexical.documentFrequency(a) === 0))
    .map((c) => c.surface);
  return { coverage: share, bestPassageCoverage, missing, sides, unknownNames };
}

/**
 * `minCoverage` (REFUSAL_MIN_COVERAGE, 0.4) is a share for one single passage, not the union:
 * an off-topic question's generic words ("学习", "内容") are found scattered across passages, an
 * answerable question's concepts together in one. Calibrated on the public set and the project's
 * held-out set (eval/heldout.jsonl): answerable questions score 0.54 and up, off-topic and
 * navigation-only ones 0.26 and below once unknown names are set aside.
 */
export function isWeakEvidence(
  analysis: QueryAnalysis,
  retrieval: Pick<Retrieval, "top" | "conceptWeights">,
  evidence: Pick<Evidence, "unknownNames" | "bestPassageCoverage">,
  minCoverage: number,
): boolean {
  if (retrieval.top.length === 0) return true;
  // "开源和闭源哪个好？" names no aspect but is squarely on topic; a question naming neither side
  // nor anything the articles use is not.
  if (retrieval.conceptWeights.every((w) => w === 0)) return analysis.sides.length === 0;
  // A question about something the articles never name (GPT-5, Docker) is not covered, however
  // well its other words match.
  if (evidence.unknownNames.length > 0) return true;
  return evidence.bestPassageCoverage < minCoverage;
}

const REFUSAL: Record<Language, (aspects: string[]) => string> = {
  zh: (aspects) => `这些文章没有涉及这个问题。可以问我开源与闭源大模型在${aspects.join("、")}等方面的异同。`,
  en: (aspects) =>
    `The articles do not cover this. Ask me how open- and closed-source LLMs compare on ${aspects
      .slice(0, -1)
      .join(", ")} or ${aspects[aspects.length - 1]}.`,
};
/** Aspects a refusal offers instead. */
const SUGGESTED = 4;

/**
 * What the articles can answer instead, in the question's language: the aspects of the debate
 * (src/text/lexicon/aspects.json), leaving out any the question asked about, so that a refused
 * question about cost is never told to ask about cost.
 */
export function refusalMessage(language: Language, analysis?: QueryAnalysis): string {
  const asked = (aspect: { zh: string; en: string }) => {
    if (!analysis) return false;
    const question = analysis.question.toLowerCase();
    return (
      question.includes(aspect.zh) ||
      question.includes(aspect.en.toLowerCase()) ||
      analysis.concepts.some((c) =>
        c.alternatives.some((a) => a.includes(aspect.zh) || aspect.zh.includes(a)),
      )
    );
  };
  const offered = LEXICON.aspects.filter((a) => !asked(a)).slice(0, SUGGESTED);
  return REFUSAL[language](offered.map((a) => (language === "zh" ? a.zh : a.en.toLowerCase())));
}

const MODEL_REFUSAL = /这些文章没有涉及这个问题|the articles do not cover this/i;

/** A chat model told to say the refusal sentence when its sources do not answer; a short reply that does is a refusal. */
export function isModelRefusal(reply: string): boolean {
  return MODEL_REFUSAL.test(reply) && reply.length < 80;
}
