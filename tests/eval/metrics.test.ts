import { describe, expect, it } from "vitest";
import { citationsValid, computeMetrics, type EvalRecord, norm, percentile } from "../../src/eval/metrics.js";

const q = (id: string, answerable: boolean, evidence: string[] = [], answer_any: string[] = []) => ({
  id,
  kind: "fact",
  question: id,
  answerable,
  evidence,
  answer_any,
});
const passage = (text: string, rank: number) => ({
  rank,
  id: `${rank}`,
  source: "",
  title: "",
  heading: "",
  text,
  score: 0,
});

describe("eval metrics", () => {
  it("normalises as the README defines: NFKC, lower case, no whitespace, punctuation or symbols", () => {
    expect(norm("ＧＰＴ-3 有 1750亿 参数！")).toBe("gpt3有1750亿参数");
  });

  it("checks that markers and citations match both ways", () => {
    expect(citationsValid("a[1] b[2]", [1, 2])).toBe(true);
    expect(citationsValid("a[1] b[3]", [1, 2])).toBe(false);
    expect(citationsValid("a[1]", [1, 2])).toBe(false);
  });

  it("computes recall, MRR, support, hit and refusal accuracy over the right subsets", () => {
    const records: EvalRecord[] = [
      {
        question: q("a", true, ["1750亿参数"], ["1750亿"]),
        result: {
          refused: false,
          answer: "有1750亿参数[1]",
          citations: [
            { n: 1, id: "x", source: "", title: "", heading: "", url: null, text: "拥有1750亿参数" },
          ],
          retrieved: [passage("无关", 1), passage("拥有1750亿 参数", 2)],
          timings: { retrieveMs: 1, generateMs: 1, totalMs: 10 },
        },
      },
      {
        question: q("b", true, ["双向编码"], ["双向"]),
        result: {
          refused: true,
          answer: "没有",
          citations: [],
          retrieved: [passage("双向编码", 1)],
          timings: { retrieveMs: 1, generateMs: 1, totalMs: 30 },
        },
      },
      {
        question: q("c", false),
        result: {
          refused: false,
          answer: "瞎说",
          citations: [],
          retrieved: [],
          timings: { retrieveMs: 1, generateMs: 1, totalMs: 20 },
        },
      },
    ];
    const m = computeMetrics(records);
    expect(m.recallAt1).toBe(0.5);
    expect(m.recallAt5).toBe(1);
    expect(m.mrrAt10).toBe(0.75);
    expect(m.citationSupport).toBe(1);
    expect(m.answerHit).toBe(1);
    expect(m.citationValidity).toBe(1);
    expect(m.refusalAccuracy).toBeCloseTo(1 / 3);
    expect(m.latencyP50).toBe(20);
  });

  it("takes percentiles by rank", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});
