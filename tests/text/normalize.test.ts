import { describe, expect, it } from "vitest";
import { foldText } from "../../src/text/normalize.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";

describe("foldText", () => {
  it("folds full-width forms and case", () => {
    expect(foldText("ＧＰＴ－４ Llama")).toBe("gpt-4 llama");
  });

  it("reads Traditional Chinese as Simplified, with Taiwan's words (資料 → 数据, 軟體 → 软件)", () => {
    expect(foldText("優勢在資料自主")).toBe("优势在数据自主");
    expect(foldText("至少一名負責模型部署的工程師")).toBe("至少一名负责模型部署的工程师");
    expect(foldText("開源軟體")).toBe("开源软件");
  });

  it("leaves Simplified Chinese exactly as it is", () => {
    const simplified = "开源模型在数据隐私方面有什么好处。乾坤未定。";
    expect(foldText(simplified)).toBe(simplified);
  });

  it("lets a Simplified question and a Traditional passage meet on the same terms", () => {
    const tokenizer = sharedTokenizer();
    const passage = new Set(tokenizer.terms("開源模型的優勢在於資料自主"));
    for (const term of tokenizer.terms("开源模型 优势 数据")) expect(passage.has(term)).toBe(true);
  });
});
