import { describe, expect, it } from "vitest";
import { verifyCitations } from "../../src/answer/verify.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";

const tokenizer = sharedTokenizer();
const sources = [
  { text: "开源大模型通常是免费的，或者成本较低，使得更多的用户能够使用这些技术。" },
  { text: "闭源大模型可能需要购买许可证或支付使用费用，增加了使用成本。" },
  { text: "BERT使用双向Transformer进行编码，这使得模型在理解句子上下文时更加准确。" },
  { text: "GPT-J拥有60亿参数，是当前最大的开源语言模型之一。" },
  { text: "闭源模型通常有更好的安全性，因为攻击者无法直接访问其源代码。" },
];

describe("citation verification", () => {
  it("removes a marker that points to no source", () => {
    const v = verifyCitations("开源大模型通常是免费的，成本较低[7]。", sources, tokenizer);
    expect(v.text).not.toContain("[7]");
    expect(v.cited).toEqual([]);
    expect(v.dropped).toEqual([{ marker: 7, reason: "no-such-source" }]);
  });

  it("drops a citation whose passage says something else", () => {
    const v = verifyCitations("开源大模型通常是免费的，成本较低[3]。", sources, tokenizer);
    expect(v.text).not.toMatch(/\[\d\]/);
    expect(v.dropped).toEqual([{ marker: 3, reason: "unsupported" }]);
  });

  it("keeps supported citations, renumbers them by first use and lists only cited sources", () => {
    const v = verifyCitations(
      "闭源大模型需要购买许可证，增加使用成本[2]。开源大模型通常免费，成本较低[1]。闭源的许可证费用[2]。",
      sources,
      tokenizer,
    );
    expect(v.text).toBe(
      "闭源大模型需要购买许可证，增加使用成本[1]。开源大模型通常免费，成本较低[2]。闭源的许可证费用[1]。",
    );
    expect(v.cited).toEqual([sources[1], sources[0]]);
  });

  it("handles grouped markers and markers after the full stop", () => {
    const v = verifyCitations("GPT-J拥有60亿参数，是最大的开源语言模型之一。[4, 9]", sources, tokenizer);
    expect(v.text).toBe("GPT-J拥有60亿参数，是最大的开源语言模型之一。[1]");
    expect(v.cited).toEqual([sources[3]]);
  });

  it("checks an English sentence against a Chinese passage through the glossary", () => {
    const ok = verifyCitations(
      "Closed-source models have better security because attackers cannot access the source code [5].",
      sources,
      tokenizer,
    );
    expect(ok.cited).toEqual([sources[4]]);
    const wrong = verifyCitations(
      "Closed-source models have better security and stability [3].",
      sources,
      tokenizer,
    );
    expect(wrong.cited).toEqual([]);
  });

  it("returns an answer that cites nothing unchanged, with no sources", () => {
    const v = verifyCitations("这些文章没有涉及这个问题。", sources, tokenizer);
    expect(v.text).toBe("这些文章没有涉及这个问题。");
    expect(v.cited).toEqual([]);
  });
});
