import { describe, expect, it } from "vitest";
import { bridgeFor, dictionaryFrom, isUntranslated, translationsOf } from "../../src/text/bridge.js";
import { englishTerm } from "../../src/text/english.js";

const ENTRIES = [
  { simplified: "物流", english: ["logistics"] },
  { simplified: "后勤", english: ["logistics"] },
  { simplified: "部署", english: ["to deploy; to dispose (troops)"] },
  { simplified: "百度", english: ["Baidu, Internet search company"] },
  { simplified: "王", english: ["surname Wang", "king"] },
  { simplified: "系统", english: ["system"] },
  { simplified: "构造", english: ["constructor; structure"] },
  { simplified: "法郎", english: ["franc"] },
  { simplified: "赚钱", english: ["to earn money; to make a profit"] },
];

describe("the bilingual bridge", () => {
  const dictionary = dictionaryFrom(ENTRIES);

  it("reads single-word senses both ways, stemmed as the tokenizer stems English", () => {
    expect(dictionary.en2zh[englishTerm("logistics")]).toEqual(["物流", "后勤"]);
    expect(dictionary.en2zh[englishTerm("deploy")]).toEqual(["部署"]);
    expect(dictionary.en2zh.baidu).toEqual(["百度"]);
    expect(dictionary.zh2en.部署).toEqual([englishTerm("deploy"), englishTerm("dispose")]);
  });

  it("leaves out one-character words, surnames and phrase senses", () => {
    expect(Object.values(dictionary.en2zh).flat()).not.toContain("王");
    expect(dictionary.en2zh[englishTerm("profit")]).toBeUndefined();
    expect(dictionary.zh2en.赚钱).toBeUndefined();
  });

  it("keeps for an index only translations its passages use, most used first", () => {
    const df: Record<string, number> = { 后勤: 5, 物流: 2, [englishTerm("deploy")]: 3 };
    const bridge = bridgeFor(dictionary, (t) => df[t] ?? 0);
    expect(translationsOf(bridge, englishTerm("logistics"))).toEqual(["后勤", "物流"]);
    expect(translationsOf(bridge, englishTerm("system"))).toEqual([]);
    expect(translationsOf(bridge, "部署")).toEqual([englishTerm("deploy")]);
    // Known to the dictionary but untranslatable here: a word the articles lack.
    expect(isUntranslated(bridge, "franc")).toBe(true);
    expect(isUntranslated(bridge, englishTerm("logistics"))).toBe(false);
    expect(isUntranslated(bridge, "btw")).toBe(false);
  });

  it("treats words that are also Object.prototype's names as words", () => {
    const bridge = bridgeFor(dictionary, (t) => (t === "构造" ? 1 : 0));
    expect(translationsOf(bridge, "constructor")).toEqual(["构造"]);
    expect(translationsOf(bridge, "tostring")).toEqual([]);
    expect(translationsOf(bridge, "__proto__")).toEqual([]);
  });
});
