import { describe, expect, it } from "vitest";
import { assessEvidence, isModelRefusal, isWeakEvidence, refusalMessage } from "../../src/answer/refusal.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { fakeIndex, passage } from "../retrieve/fake-index.js";

const tokenizer = sharedTokenizer();
const chunks = [
  passage("p1", "开源模型的许可证免费，使用成本低。", ["开源的优势"]),
  passage("p2", "闭源模型按调用收费，成本较高。", ["闭源的劣势"]),
  passage("p3", "学习大模型的第一步是了解基本概念。"),
];
const index = fakeIndex(chunks);
const top = (...ids: string[]) =>
  ids.map((id) => ({ chunk: chunks.find((c) => c.id === id) ?? chunks[0]!, score: 1 }));

function judge(question: string, ids: string[], minCoverage = 0.4) {
  const analysis = analyseQuestion(question, tokenizer);
  const retrieval = {
    top: top(...ids),
    conceptWeights: analysis.concepts.map(() => 1),
  };
  const evidence = assessEvidence(analysis, retrieval, index.lexical, tokenizer);
  return { evidence, weak: isWeakEvidence(analysis, retrieval, evidence, minCoverage) };
}

describe("refusal policy", () => {
  it("answers when one passage expresses enough of the question", () => {
    const { evidence, weak } = judge("开源模型的成本", ["p1", "p2"]);
    expect(evidence.bestPassageCoverage).toBe(1);
    expect(evidence.sides).toEqual({ open: true, closed: true });
    expect(weak).toBe(false);
  });

  it("refuses with no passages, or a name the articles never mention", () => {
    expect(judge("开源模型的成本", []).weak).toBe(true);
    const gpt5 = judge("GPT-5 的成本", ["p1"]);
    expect(gpt5.evidence.unknownNames).toEqual(["gpt-5"]);
    expect(gpt5.weak).toBe(true);
  });

  it("refuses below the configured coverage, and the threshold is the setting's", () => {
    const { evidence } = judge("开源模型的成本和安全性", ["p1"]);
    expect(evidence.bestPassageCoverage).toBe(0.5);
    expect(evidence.missing).toEqual(["安全性"]);
    expect(judge("开源模型的成本和安全性", ["p1"], 0.4).weak).toBe(false);
    expect(judge("开源模型的成本和安全性", ["p1"], 0.6).weak).toBe(true);
  });

  it("takes a question naming only the sides as on topic, and one naming nothing as not", () => {
    expect(judge("开源和闭源哪个好？", ["p1"]).weak).toBe(false);
    expect(judge("哪个好？", ["p1"]).weak).toBe(true);
  });

  it("speaks the question's language and recognises a model's short refusal", () => {
    expect(refusalMessage("zh")).toMatch(/没有涉及/);
    expect(refusalMessage("en")).toMatch(/do not cover/);
    expect(isModelRefusal("这些文章没有涉及这个问题。")).toBe(true);
    expect(isModelRefusal(`The articles do not cover this. ${"x".repeat(80)}`)).toBe(false);
  });

  it("never suggests the topic it just refused", () => {
    const cost = refusalMessage("zh", analyseQuestion("GPT-5 的成本是多少？", tokenizer));
    expect(cost).toMatch(/没有涉及/);
    expect(cost).not.toMatch(/成本/);
    expect(cost).toMatch(/安全/);
    const privacy = refusalMessage("en", analyseQuestion("How does Kimi handle data privacy?", tokenizer));
    expect(privacy).not.toMatch(/privacy/i);
    expect(privacy).toMatch(/cost/i);
    // A refusal whose topic is none of the aspects offers the usual ones.
    expect(refusalMessage("zh", analyseQuestion("今天北京的天气怎么样？", tokenizer))).toMatch(/成本/);
  });
});
