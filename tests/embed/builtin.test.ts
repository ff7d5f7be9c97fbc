import { describe, expect, it, vi } from "vitest";
import { BUILTIN_DIMENSION, BuiltinEmbeddings } from "../../src/embed/builtin.js";
import { CJK_IDEOGRAPH_RUN } from "../../src/text/cjk.js";
import { generalIdf } from "../../src/text/general-idf.js";
import { foldText } from "../../src/text/normalize.js";
import { createTokenizer, sharedTokenizer } from "../../src/text/tokenizer.js";

const embedder = new BuiltinEmbeddings(sharedTokenizer());
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

const TEXTS = {
  openCost: "开源大模型通常免费，降低了企业使用的门槛和成本。",
  openCostParaphrase: "使用开源模型的企业成本更低，因为开源大模型一般是免费的。",
  closedSecurity: "闭源大模型由公司严格控制代码访问，安全性和稳定性更高。",
  closedSecurityParaphrase: "闭源模型的代码不公开，公司能更好地保障安全和稳定。",
  cooking: "把西红柿切块，和鸡蛋一起下锅翻炒，最后加盐调味。",
  weather: "明天北方大部地区有雨雪天气，气温明显下降。",
};

describe("BuiltinEmbeddings", () => {
  it("has a fixed dimension and an id that names its version, dimension and vocabulary", async () => {
    const vectors = await embedder.embedDocuments(["短", TEXTS.openCost, "GPT-4 vs LLaMA 3"]);
    for (const v of vectors) expect(v).toHaveLength(BUILTIN_DIMENSION);
    expect(embedder.dimension).toBe(BUILTIN_DIMENSION);
    expect(embedder.id).toMatch(new RegExp(`^builtin:[\\w.-]+-${BUILTIN_DIMENSION}-[0-9a-f]{8}$`));
  });

  it("changes its id when the domain dictionary changes, since its vectors change with it", async () => {
    // Vectors are keyed by embedder id in the cache: the same id with another dictionary would
    // serve vectors the current tokenizer no longer produces.
    vi.resetModules();
    vi.doMock("../../src/text/lexicon.js", async (importOriginal) => {
      const original = await importOriginal<typeof import("../../src/text/lexicon.js")>();
      const { LEXICON } = original;
      return { ...original, LEXICON: { ...LEXICON, domainTerms: [...LEXICON.domainTerms, "技术垄断"] } };
    });
    try {
      const builtin = await import("../../src/embed/builtin.js");
      const tokenizer = await import("../../src/text/tokenizer.js");
      const changed = new builtin.BuiltinEmbeddings(tokenizer.createTokenizer());
      const text = "闭源厂商可能形成技术垄断。";
      expect(await changed.embedQuery(text)).not.toEqual(await embedder.embedQuery(text));
      expect(changed.id).not.toBe(embedder.id);
    } finally {
      vi.doUnmock("../../src/text/lexicon.js");
      vi.resetModules();
    }
  });

  it("returns L2-normalised vectors", async () => {
    for (const v of await embedder.embedDocuments(Object.values(TEXTS))) expect(norm(v)).toBeCloseTo(1, 6);
  });

  it("returns a zero vector, not NaN, for text with no terms", async () => {
    const v = await embedder.embedQuery("，。！？   ");
    expect(v.every((x) => x === 0)).toBe(true);
  });

  it("is deterministic: the same text gives the same vector, across instances and tokenizers", async () => {
    const other = new BuiltinEmbeddings(createTokenizer());
    const a = await embedder.embedQuery(TEXTS.closedSecurity);
    const b = await other.embedQuery(TEXTS.closedSecurity);
    const [c] = await embedder.embedDocuments([TEXTS.closedSecurity]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("embeds a text independently of the other texts in the batch", async () => {
    const [alone] = await embedder.embedDocuments([TEXTS.openCost]);
    const [first] = await embedder.embedDocuments([TEXTS.openCost, TEXTS.cooking, TEXTS.weather]);
    expect(first).toEqual(alone);
  });

  it("embeds a text the same whatever the embedder has embedded before", async () => {
    // What it keeps of the terms and bigrams it has met (their hash, sign and weight) must not
    // leak from one text into another.
    const texts = [
      "开源开源开源模型的成本，成本更低；GPT-4 和 GPT-4 的价格。",
      TEXTS.closedSecurity,
      "模型模型模型 llama llama 3.1",
      TEXTS.openCostParaphrase,
    ];
    const fresh = async (t: string) =>
      (await new BuiltinEmbeddings(sharedTokenizer()).embedDocuments([t]))[0];
    const warm = new BuiltinEmbeddings(sharedTokenizer());
    const forwards = await warm.embedDocuments(texts);
    const backwards = (await warm.embedDocuments([...texts].reverse())).reverse();
    for (const [i, t] of texts.entries()) {
      const alone = (await fresh(t)) as number[];
      expect(forwards[i]?.every((x, d) => Object.is(x, alone[d]))).toBe(true);
      expect(backwards[i]?.every((x, d) => Object.is(x, alone[d]))).toBe(true);
    }
  });

  it("weighs each term and character bigram as its definition says, to the last bit", async () => {
    // The definition, written plainly: a signed FNV-1a hash of "t:term" / "b:bigram" picks the
    // dimension and sign; the weight is (1 + ln tf) × general IDF (the median for words the
    // table lacks, +2 for Latin ones) × (1 for terms, 0.35 for bigrams); sums in the order the
    // features are first met, terms first; then L2-normalised.
    const { table, median } = generalIdf();
    const fnv = (text: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    const reference = (text: string) => {
      const counts = new Map<string, number>();
      const count = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
      for (const term of sharedTokenizer().terms(text)) count(`t:${term}`);
      for (const run of foldText(text).match(CJK_IDEOGRAPH_RUN) ?? [])
        for (let i = 0; i + 1 < run.length; i++) count(`b:${run.slice(i, i + 2)}`);
      const v = new Array<number>(BUILTIN_DIMENSION).fill(0);
      for (const [feature, tf] of counts) {
        const word = feature.slice(2);
        const idf = table.get(word) ?? (/[a-z0-9]/.test(word) ? median + 2 : median);
        const w = (1 + Math.log(tf)) * idf * (feature.startsWith("t:") ? 1 : 0.35);
        const h = fnv(feature);
        const d = h % BUILTIN_DIMENSION;
        v[d] = (v[d] as number) + (h & 0x80000000 ? -w : w);
      }
      const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      return n === 0 ? v : v.map((x) => x / n);
    };
    const texts = [
      ...Object.values(TEXTS),
      "开源开源开源模型的成本，成本更低；GPT-4 和 GPT-4 的价格。",
      "開源模型與閉源模型的資料安全",
      "Llama 3.1 405B context window: 128K tokens",
      "㐀㐁鿿豈 兀",
    ];
    for (const text of texts) {
      const ours = await embedder.embedQuery(text);
      const theirs = reference(text);
      expect(ours.every((x, d) => Object.is(x, theirs[d]))).toBe(true);
    }
  });

  it("puts related Chinese texts closer together than unrelated ones", async () => {
    const e = Object.fromEntries(
      await Promise.all(
        Object.entries(TEXTS).map(async ([k, t]) => [k, await embedder.embedQuery(t)] as const),
      ),
    ) as Record<keyof typeof TEXTS, number[]>;
    const sim = (a: keyof typeof TEXTS, b: keyof typeof TEXTS) => dot(e[a], e[b]);
    expect(sim("openCost", "openCostParaphrase")).toBeGreaterThan(sim("openCost", "cooking"));
    expect(sim("openCost", "openCostParaphrase")).toBeGreaterThan(sim("openCost", "weather"));
    expect(sim("closedSecurity", "closedSecurityParaphrase")).toBeGreaterThan(
      sim("closedSecurity", "cooking"),
    );
    expect(sim("closedSecurity", "closedSecurityParaphrase")).toBeGreaterThan(
      sim("closedSecurity", "weather"),
    );
    // Lexical, not semantic: texts sharing no words or characters are near orthogonal.
    expect(Math.abs(sim("cooking", "weather"))).toBeLessThan(0.2);
  });

  it("ranks the passage that answers a question above the others", async () => {
    const passages = [TEXTS.openCost, TEXTS.closedSecurity, TEXTS.cooking, TEXTS.weather];
    const vectors = await embedder.embedDocuments(passages);
    const q = await embedder.embedQuery("闭源模型的安全性怎么样？");
    const scores = vectors.map((v) => dot(v, q));
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
  });

  it("matches model names case-insensitively", async () => {
    const a = await embedder.embedQuery("ChatGLM3-6B 是开源的");
    const b = await embedder.embedQuery("chatglm3-6b 是开源的");
    expect(dot(a, b)).toBeCloseTo(1, 6);
  });
});
