import { describe, expect, it } from "vitest";
import { expressesConcept } from "../../src/text/concepts.js";
import { detectLanguage } from "../../src/text/language.js";
import { foldText } from "../../src/text/normalize.js";
import { charBigrams, jaccard } from "../../src/text/similarity.js";
import { percentile } from "../../src/util/percentile.js";

describe("text helpers", () => {
  it("folds full-width forms and case", () => {
    expect(foldText("ＧＰＴ－４ Llama")).toBe("gpt-4 llama");
  });

  it("matches Chinese forms anywhere, Latin names only as whole tokens, compounds by all their parts", () => {
    const target = {
      terms: new Set(["chinese-llama-alpaca-3", "技术", "垄断"]),
      text: "chinese-llama-alpaca-3 可定制化 技术 垄断",
    };
    expect(expressesConcept({ alternatives: ["定制化"], parts: [] }, target)).toBe(true);
    expect(expressesConcept({ alternatives: ["llama"], parts: [] }, target)).toBe(false);
    expect(expressesConcept({ alternatives: ["技术垄断"], parts: ["技术", "垄断"] }, target)).toBe(true);
    expect(expressesConcept({ alternatives: ["技术垄断"], parts: ["垄断"] }, target)).toBe(false);
  });

  it("measures bigram overlap over the union", () => {
    expect([...charBigrams("开源模型")]).toEqual(["开源", "源模", "模型"]);
    expect(jaccard(charBigrams("开源模型"), charBigrams("开源模型"))).toBe(1);
    expect(jaccard(charBigrams("开源模型"), charBigrams("闭源模型"))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });

  it("takes Chinese punctuation or full-width forms as Chinese writing", () => {
    expect(detectLanguage("开源有什么优势？")).toBe("zh");
    expect(detectLanguage("Is Llama 3 open source？")).toBe("zh");
    expect(detectLanguage("Is Llama 3 open source?")).toBe("en");
  });

  it("takes nearest-rank percentiles of unsorted samples", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});
