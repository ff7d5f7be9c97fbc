import { describe, expect, it } from "vitest";
import {
  Bridge,
  type BridgeWords,
  bridgeFor,
  dictionaryFrom,
  loadDictionary,
  wordsFor,
} from "../../src/text/bridge.js";
import { CJK_IDEOGRAPH } from "../../src/text/cjk.js";
import { englishTerm } from "../../src/text/english.js";
import { tempDir } from "../helpers/ingest-helpers.js";

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
    expect(bridge.translations(englishTerm("logistics"))).toEqual(["后勤", "物流"]);
    expect(bridge.translations(englishTerm("system"))).toEqual([]);
    expect(bridge.translations("部署")).toEqual([englishTerm("deploy")]);
    // Known to the dictionary but untranslatable here: a word the articles lack.
    expect(bridge.isUntranslated("franc")).toBe(true);
    expect(bridge.isUntranslated(englishTerm("logistics"))).toBe(false);
    expect(bridge.isUntranslated("btw")).toBe(false);
  });

  it("treats words that are also Object.prototype's names as words", () => {
    const bridge = bridgeFor(dictionary, (t) => (t === "构造" ? 1 : 0));
    expect(bridge.translations("constructor")).toEqual(["构造"]);
    expect(bridge.translations("tostring")).toEqual([]);
    expect(bridge.translations("__proto__")).toEqual([]);
  });
});

/** The lookups as they were made on the words themselves, before the bridge became tables. */
const recordLookup = (words: BridgeWords) => {
  const untranslated = new Set(words.untranslated);
  return {
    translations(term: string): string[] {
      const map = CJK_IDEOGRAPH.test(term) ? words.zh2en : words.en2zh;
      return (Object.hasOwn(map, term) ? map[term] : undefined) ?? [];
    },
    isUntranslated: (term: string) => untranslated.has(term),
  };
};

/** Every word of the bridge and its translations, their near misses, and words of neither kind. */
function probes(words: BridgeWords): string[] {
  const all = [
    ...Object.keys(words.en2zh),
    ...Object.keys(words.zh2en),
    ...Object.values(words.en2zh).flat(),
    ...Object.values(words.zh2en).flat(),
    ...words.untranslated,
  ];
  const edges = ["", "a", "zzzz", "btw", "constructor", "__proto__", "tostring", "中", "模型", "🚀", "é"];
  // Neighbours in byte order: one character more or less is a miss, not a near hit.
  return [...new Set([...all, ...all.map((w) => `${w}x`), ...all.map((w) => w.slice(0, -1)), ...edges])];
}

async function roundTrip(bridge: Bridge): Promise<Bridge> {
  const { dir, cleanup } = await tempDir("bridge");
  try {
    await bridge.save(dir);
    return await Bridge.load(dir);
  } finally {
    await cleanup();
  }
}

describe("the bridge as tables", () => {
  const WORDS: BridgeWords = {
    en2zh: { logist: ["物流", "后勤"], constructor: ["构造"], café: ["咖啡馆"], deploy: ["部署"], a: ["甲"] },
    zh2en: { 部署: ["deploy", "dispose"], 物流: ["logist"], 𠀀字: ["rare"], 咖啡馆: ["café"] },
    untranslated: ["franc", "poop", "zürich"],
  };

  it("answers every lookup as the words it was made from do, in memory and after a round trip through files", async () => {
    const reference = recordLookup(WORDS);
    const inMemory = Bridge.from(WORDS);
    const loaded = await roundTrip(inMemory);
    for (const term of probes(WORDS)) {
      for (const bridge of [inMemory, loaded]) {
        expect(bridge.translations(term), term).toEqual(reference.translations(term));
        expect(bridge.isUntranslated(term), term).toBe(reference.isUntranslated(term));
      }
    }
    // Translations keep their order (most used first), not byte order.
    expect(loaded.translations("logist")).toEqual(["物流", "后勤"]);
    expect(loaded.translations("部署")).toEqual(["deploy", "dispose"]);
  });

  it("is empty after a round trip when empty", async () => {
    const empty = await roundTrip(Bridge.from({ en2zh: {}, zh2en: {}, untranslated: [] }));
    for (const term of ["", "logist", "部署", "constructor"]) {
      expect(empty.translations(term)).toEqual([]);
      expect(empty.isUntranslated(term)).toBe(false);
    }
  });

  it("answers as the words do for all of CC-CEDICT narrowed to a corpus, after a round trip", async () => {
    const dictionary = await loadDictionary();
    // A corpus that uses about a third of the dictionary's words, shorter ones more often.
    const used = (t: string) => ((t.length * 7 + t.charCodeAt(0)) % 3 === 0 ? 10 - Math.min(9, t.length) : 0);
    const words = wordsFor(dictionary, used);
    expect(Object.keys(words.en2zh).length).toBeGreaterThan(1000);
    expect(Object.keys(words.zh2en).length).toBeGreaterThan(1000);
    expect(words.untranslated.length).toBeGreaterThan(1000);
    const reference = recordLookup(words);
    const loaded = await roundTrip(bridgeFor(dictionary, used));
    const differing = probes(words).filter(
      (term) =>
        JSON.stringify(loaded.translations(term)) !== JSON.stringify(reference.translations(term)) ||
        loaded.isUntranslated(term) !== reference.isUntranslated(term),
    );
    expect(differing).toEqual([]);
  }, 60_000);
});
