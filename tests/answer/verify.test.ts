import { describe, expect, it } from "vitest";
import { normaliseMarkers, verifyCitations, verifyModelAnswer } from "../../src/answer/verify.js";
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

describe("markers as models write them", () => {
  it("normalises full-width, 【】, footnote, list, range and (来源n) markers to [n]", () => {
    expect(
      normaliseMarkers("甲［４］乙【1】丙[^2]丁[1, 3]戊[2-4]己（来源5）庚(source 6)辛[来源：1、2]"),
    ).toBe("甲[4]乙[1]丙[2]丁[1][3]戊[2][3][4]己[5]庚[6]辛[1][2]");
  });

  it("leaves what is not a citation alone: links, years in brackets, huge ranges", () => {
    expect(normaliseMarkers("[点这里](http://x.example) [1-500]")).toBe("[点这里](http://x.example) [1-500]");
  });
});

describe("sentence-level verification of a model's answer", () => {
  it("removes a made-up sentence whole instead of keeping it uncited (the issue's example)", () => {
    const v = verifyModelAnswer(
      "GPT-5 在2023年开源了全部权重[1]。开源大模型通常是免费的，或者成本较低[1]。",
      sources,
      tokenizer,
    );
    expect(v.text).toBe("开源大模型通常是免费的，或者成本较低[1]。");
    expect(v.removals).toEqual([
      { sentence: "GPT-5 在2023年开源了全部权重。", reason: "name-not-in-source" },
    ]);
  });

  it("checks short and English sentences too", () => {
    expect(verifyModelAnswer("GPT-5 is open source [1].", sources, tokenizer).reasons).toEqual({
      "name-not-in-source": 1,
    });
    expect(
      verifyModelAnswer("闭源大模型全部免费，没有任何使用成本[2]。", sources, tokenizer).reasons,
    ).toEqual({
      "contradicts-source": 1,
    });
    expect(verifyModelAnswer("GPT-J拥有70亿参数[4]。", sources, tokenizer).reasons).toEqual({
      "number-not-in-source": 1,
    });
    expect(verifyModelAnswer("GPT-J拥有60亿参数[4]。", sources, tokenizer).kept).toBe(1);
  });

  it("keeps framing sentences and the comparison layout, renumbering by first use", () => {
    const v = verifyModelAnswer(
      "**开源**：开源大模型通常免费，成本较低（来源1）。\n**闭源**：闭源大模型需要支付使用费用[2]。\n总结：",
      sources,
      tokenizer,
    );
    expect(v.text).toBe(
      "**开源**：开源大模型通常免费，成本较低[1]。\n**闭源**：闭源大模型需要支付使用费用[2]。\n总结：",
    );
    expect(v.kept).toBe(2);
    expect(v.survived).toBe(1);
  });

  it("drops an unsupported marker from a sentence another marker supports", () => {
    const v = verifyModelAnswer("GPT-J拥有60亿参数，是最大的开源语言模型之一。[4, 9]", sources, tokenizer);
    expect(v.text).toBe("GPT-J拥有60亿参数，是最大的开源语言模型之一[1]。");
    expect(v.dropped).toEqual([{ marker: 9, reason: "no-such-source" }]);
  });

  it("cannot cite a source left out of the prompt (empty text)", () => {
    const left = sources.map((s, i) => (i === 0 ? { text: "" } : s));
    expect(verifyModelAnswer("开源大模型通常是免费的[1]。", left, tokenizer).reasons).toEqual({
      "no-such-source": 1,
    });
  });
});
