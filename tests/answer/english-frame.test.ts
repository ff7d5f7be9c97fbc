/**
 * An English question's answer says in which language its quotes are: none in Chinese, all of
 * them, or some (an answer that draws on an English page and a Chinese one).
 */
import { describe, expect, it } from "vitest";
import { composeExtractive } from "../../src/answer/extractive.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { passage } from "../retrieve/fake-index.js";

const tokenizer = sharedTokenizer();
const english = passage(
  "en",
  "The Llama licence requires a separate licence above 700 million monthly users.",
);
const chinese = passage("zh", "Llama 许可证规定，月活跃用户超过 7 亿需要单独申请许可。");
const answer = (...chunks: (typeof english)[]) =>
  composeExtractive(
    analyseQuestion("What does the Llama licence require of large companies?", tokenizer),
    chunks.map((chunk, i) => ({ chunk, score: 1 - i / 10 })),
    [2, 2, 2, 2],
    tokenizer,
  ).text;

describe("the frame of an English answer", () => {
  it("names no language when every quote is English", () => {
    expect(answer(english)).not.toMatch(/Chinese/);
  });
  it("says the quotes are in Chinese when they all are", () => {
    expect(answer(chinese)).toMatch(/^From the articles \(quoted in Chinese\):/);
  });
  it("says some are when the answer mixes the two", () => {
    const mixed = answer(english, chinese);
    expect(mixed).toContain("700 million");
    expect(mixed).toContain("7 亿");
    expect(mixed).toMatch(/^From the articles \(some quoted in Chinese\):/);
  });
});
