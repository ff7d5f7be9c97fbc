/**
 * The metrics of ../shared/eval/README.md, defined once here and used by `npm run eval` and the
 * quality gate in the tests.
 */
import { foldText } from "../text/normalize.js";
import type { AskResult } from "../types.js";
import { percentile } from "../util/percentile.js";

export { percentile };

export interface EvalQuestion {
  id: string;
  kind: string;
  question: string;
  answerable: boolean;
  evidence: string[];
  answer_any: string[];
}

export type EvalRecord = {
  question: EvalQuestion;
  result: Pick<AskResult, "refused" | "answer" | "citations" | "retrieved" | "timings">;
};

export function norm(s: string): string {
  return foldText(s).replace(/[\s\p{P}\p{S}]/gu, "");
}

export function contains(haystack: string, needle: string): boolean {
  return norm(haystack).includes(norm(needle));
}

export function isRelevant(text: string, evidence: string[]): boolean {
  return evidence.some((e) => contains(text, e));
}

/** Every [n] has a citation n and every citation is referred to. */
export function citationsValid(answer: string, citationNumbers: number[]): boolean {
  const markers = new Set<number>();
  for (const m of answer.matchAll(/\[(\d+)\]/g)) markers.add(Number(m[1]));
  const cited = new Set(citationNumbers);
  for (const n of markers) if (!cited.has(n)) return false;
  for (const n of cited) if (!markers.has(n)) return false;
  return true;
}

export interface Metrics {
  count: number;
  recallAt1: number | null;
  recallAt5: number | null;
  recallAtK: number | null;
  mrrAt10: number | null;
  citationSupport: number | null;
  citationValidity: number | null;
  answerHit: number | null;
  refusalAccuracy: number | null;
  /** Of the questions refused, the share that the articles indeed do not cover. */
  refusalPrecision: number | null;
  /** Of the questions the articles do not cover, the share refused. */
  refusalRecall: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
}

const share = (xs: boolean[]): number | null =>
  xs.length === 0 ? null : xs.filter(Boolean).length / xs.length;
const mean = (xs: number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

export function firstRelevantRank(retrievedTexts: string[], evidence: string[]): number | null {
  const i = retrievedTexts.findIndex((t) => isRelevant(t, evidence));
  return i === -1 ? null : i + 1;
}

export function computeMetrics(records: EvalRecord[], k = 5): Metrics {
  const answerable = records.filter((r) => r.question.answerable);
  const ranks = answerable.map((r) =>
    firstRelevantRank(
      r.result.retrieved.map((p) => p.text),
      r.question.evidence,
    ),
  );
  const answered = records.filter((r) => !r.result.refused);
  const answeredAnswerable = answerable.filter((r) => !r.result.refused);
  const latencies = records.map((r) => r.result.timings.totalMs);
  return {
    count: records.length,
    recallAt1: share(ranks.map((r) => r !== null && r <= 1)),
    recallAt5: share(ranks.map((r) => r !== null && r <= 5)),
    recallAtK: share(ranks.map((r) => r !== null && r <= k)),
    mrrAt10: mean(ranks.map((r) => (r !== null && r <= 10 ? 1 / r : 0))),
    citationSupport: share(
      answeredAnswerable.map((r) => r.result.citations.some((c) => isRelevant(c.text, r.question.evidence))),
    ),
    citationValidity: share(
      answered.map((r) =>
        citationsValid(
          r.result.answer,
          r.result.citations.map((c) => c.n),
        ),
      ),
    ),
    answerHit: share(
      answeredAnswerable.map((r) => r.question.answer_any.some((a) => contains(r.result.answer, a))),
    ),
    refusalAccuracy: share(records.map((r) => r.result.refused === !r.question.answerable)),
    refusalPrecision: share(records.filter((r) => r.result.refused).map((r) => !r.question.answerable)),
    refusalRecall: share(records.filter((r) => !r.question.answerable).map((r) => r.result.refused)),
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
  };
}

/** Why a question fails the metrics, one reason per failed check; empty when it passes them all. */
export function failureReasons(r: EvalRecord, k = 5): string[] {
  const reasons: string[] = [];
  if (!r.question.answerable) {
    if (!r.result.refused) reasons.push("answered, but the articles do not cover it");
    return reasons;
  }
  if (r.result.refused) reasons.push("refused, but the articles cover it");
  const rank = firstRelevantRank(
    r.result.retrieved.map((p) => p.text),
    r.question.evidence,
  );
  if (rank === null || rank > k)
    reasons.push(
      rank === null ? "recall miss: evidence not retrieved" : `recall miss: evidence first at rank ${rank}`,
    );
  if (r.result.refused) return reasons;
  if (!r.result.citations.some((c) => isRelevant(c.text, r.question.evidence)))
    reasons.push("no cited passage holds the evidence");
  if (!r.question.answer_any.some((a) => contains(r.result.answer, a)))
    reasons.push(`answer lacks the expected words (${r.question.answer_any.join(" / ")})`);
  if (
    !citationsValid(
      r.result.answer,
      r.result.citations.map((c) => c.n),
    )
  )
    reasons.push("citation markers and sources disagree");
  return reasons;
}

export function parseQuestions(jsonl: string): EvalQuestion[] {
  return jsonl
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const q = JSON.parse(line) as Partial<EvalQuestion>;
      if (typeof q.id !== "string" || typeof q.question !== "string" || typeof q.answerable !== "boolean") {
        throw new Error(`line ${i + 1}: needs id, question and answerable`);
      }
      return {
        id: q.id,
        kind: q.kind ?? "unknown",
        question: q.question,
        answerable: q.answerable,
        evidence: q.evidence ?? [],
        answer_any: q.answer_any ?? [],
      };
    });
}
