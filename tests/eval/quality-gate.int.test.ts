import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMetrics, type EvalRecord, parseQuestions } from "../../src/eval/metrics.js";
import { runQuestions } from "../../src/eval/run.js";
import { createTestApp, REPO, type TestApp } from "../helpers/app.js";

/**
 * The quality gate of the offline default (builtin embeddings, extractive answers) on the public
 * question set, with the metrics defined in shared/eval/README.md. The project's own held-out
 * questions of the same kinds are held to the same bar, so the gate cannot be met by fitting the
 * public questions alone.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.ensureIndex();
});
afterAll(() => t.cleanup());

async function evaluate(file: string): Promise<EvalRecord[]> {
  const questions = parseQuestions(await readFile(path.join(REPO, file), "utf8"));
  expect(questions.length).toBeGreaterThanOrEqual(20);
  return runQuestions(t.app.answerer, questions);
}

describe.each(["eval/questions.jsonl", "eval/heldout.jsonl"])("quality gate on %s", (file) => {
  it("meets recall@5 0.95, refusal accuracy 1.0, citation validity 1.0, citation support 0.95, answer hit 0.9", async () => {
    const records = await evaluate(file);
    const m = computeMetrics(records);
    const failing = (pred: (r: EvalRecord) => boolean) => records.filter(pred).map((r) => r.question.id);
    expect(
      failing((r) => r.result.refused === r.question.answerable),
      "refusal mistakes",
    ).toEqual([]);
    expect(m.recallAt5 ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.refusalAccuracy).toBe(1);
    expect(m.citationValidity).toBe(1);
    expect(m.citationSupport ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.answerHit ?? 0).toBeGreaterThanOrEqual(0.9);
  });
});

/**
 * The project's own sets beyond the five articles (tests/fixtures/captures): every public question
 * asked three more ways, and questions over the captured pages together with the articles, both
 * held to the answering targets.
 */
describe("the capture questions and the paraphrases", () => {
  let captures: TestApp;
  let root = "";
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "gate-captures-"));
    await mkdir(path.join(root, "corpus"));
    await symlink(path.join(REPO, "corpus"), path.join(root, "corpus", "articles"));
    await symlink(path.join(REPO, "tests/fixtures/captures/pages"), path.join(root, "corpus", "captures"));
    captures = await createTestApp({ CORPUS_DIR: path.join(root, "corpus") });
    await captures.app.ensureIndex();
  });
  afterAll(async () => {
    await captures.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  it("capture questions: recall@5 ≥ 0.95, refusal accuracy ≥ 0.97, citation validity 1.0, support ≥ 0.95, answer hit ≥ 0.9", async () => {
    const questions = parseQuestions(
      await readFile(path.join(REPO, "tests/fixtures/captures/questions.jsonl"), "utf8"),
    );
    expect(questions.length).toBeGreaterThanOrEqual(40);
    const m = computeMetrics(await runQuestions(captures.app.answerer, questions));
    expect(m.recallAt5 ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.refusalAccuracy ?? 0).toBeGreaterThanOrEqual(0.97);
    expect(m.citationValidity).toBe(1);
    expect(m.citationSupport ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.answerHit ?? 0).toBeGreaterThanOrEqual(0.9);
  });

  it("paraphrases: recall@5 ≥ 0.95, refusal accuracy ≥ 0.97, citation validity 1.0, support ≥ 0.95, answer hit ≥ 0.9", async () => {
    const records = await evaluate("tests/fixtures/captures/paraphrases.jsonl");
    const m = computeMetrics(records);
    expect(m.recallAt5 ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.refusalAccuracy ?? 0).toBeGreaterThanOrEqual(0.97);
    expect(m.citationValidity).toBe(1);
    expect(m.citationSupport ?? 0).toBeGreaterThanOrEqual(0.95);
    expect(m.answerHit ?? 0).toBeGreaterThanOrEqual(0.9);
  });
});
