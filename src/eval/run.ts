import type { QuestionAnswerer } from "../types.js";
import type { EvalQuestion, EvalRecord } from "./metrics.js";

/** Ask every question through the same pipeline as `npm run ask`, one at a time (latency is measured per question). */
export async function runQuestions(
  answerer: QuestionAnswerer,
  questions: EvalQuestion[],
): Promise<EvalRecord[]> {
  const records: EvalRecord[] = [];
  for (const question of questions) {
    records.push({ question, result: await answerer.ask(question.question) });
  }
  return records;
}
