/** BM25 scores checked against values worked out by hand (k1 = 1.2, b = 0.75, RSJ idf). */
import { describe, expect, it } from "vitest";
import { Bm25Index, buildBm25, loadBm25, saveBm25 } from "../../src/store/bm25.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { prng, tempDir } from "../helpers/ingest-helpers.js";

/** Textbook BM25 written out independently: every passage scored, sorted by score then position. */
function bruteForce(
  docs: string[][],
  query: string[],
  k1 = 1.2,
  b = 0.75,
): Array<{ index: number; score: number }> {
  const n = docs.length;
  const avg = docs.reduce((s, d) => s + d.length, 0) / n;
  const terms = [...new Set(query)];
  return docs
    .map((doc, index) => {
      let score = 0;
      for (const t of terms) {
        const tf = doc.filter((x) => x === t).length;
        if (tf === 0) continue;
        const df = docs.filter((d) => d.includes(t)).length;
        const idf = Math.max(0.01, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
        score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.length) / avg));
      }
      return { index, score };
    })
    .filter((h) => h.score > 0)
    .sort((x, y) => y.score - x.score || x.index - y.index);
}

const DOCS = [
  ["开源", "模型", "开源"], // 0: length 3
  ["闭源", "模型"], // 1: length 2
  ["模型", "成本", "开源", "许可证"], // 2: length 4
];
// N = 3, average length 3.
const index = new Bm25Index(buildBm25(DOCS));

describe("buildBm25", () => {
  it("records lengths, the average length and postings of [doc, tf] pairs", () => {
    const data = buildBm25(DOCS);
    expect(Array.from(data.lengths)).toEqual([3, 2, 4]);
    expect(data.avgLength).toBe(3);
    const built = new Bm25Index(data);
    expect(built.postings("开源")).toEqual([0, 2, 2, 1]);
    expect(built.postings("模型")).toEqual([0, 1, 1, 1, 2, 1]);
    expect(built.postings("闭源")).toEqual([1, 1]);
    expect(built.postings("没有的词")).toEqual([]);
    // Terms are kept in UTF-8 byte order, which the lookup's binary search relies on.
    const terms = Array.from({ length: data.terms.count }, (_, i) => data.terms.at(i));
    expect(terms).toEqual([...terms].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(data.k1).toBe(1.2);
    expect(data.b).toBe(0.75);
  });
});

describe("Bm25Index", () => {
  it("computes document frequency and Robertson–Spärck Jones idf", () => {
    expect(index.size).toBe(3);
    expect(index.documentFrequency("开源")).toBe(2);
    expect(index.documentFrequency("没有的词")).toBe(0);
    expect(index.idf("开源")).toBeCloseTo(Math.log(1.6), 10); // ln(1 + 1.5 / 2.5)
    expect(index.idf("模型")).toBeCloseTo(Math.log(1 + 0.5 / 3.5), 10);
    expect(index.idf("闭源")).toBeCloseTo(Math.log(1 + 2.5 / 1.5), 10);
    // Rarer terms weigh more.
    expect(index.idf("闭源")).toBeGreaterThan(index.idf("开源"));
    expect(index.idf("开源")).toBeGreaterThan(index.idf("模型"));
  });

  it("floors the idf of a term in every passage at a small positive value", () => {
    const everywhere = new Bm25Index(buildBm25(Array.from({ length: 100 }, () => ["模型"])));
    expect(everywhere.idf("模型")).toBe(0.01);
    expect(everywhere.search(["模型"], 1)[0]?.score).toBeGreaterThan(0);
  });

  it("scores term frequency with saturation and length normalisation", () => {
    const hits = index.search(["开源"], 10);
    expect(hits.map((h) => h.index)).toEqual([0, 2]);
    expect(hits[0]?.score).toBeCloseTo(0.6462549902, 8); // tf 2, length 3
    expect(hits[1]?.score).toBeCloseTo(0.4136031937, 8); // tf 1, length 4
  });

  it("sums the scores of several query terms and ranks by the total", () => {
    const hits = index.search(["闭源", "模型"], 10);
    expect(hits.map((h) => h.index)).toEqual([1, 0, 2]);
    expect(hits[0]?.score).toBeCloseTo(1.2903123265, 8);
    expect(hits[1]?.score).toBeCloseTo(0.1335313926, 8);
    expect(hits[2]?.score).toBeCloseTo(0.1175076255, 8);
  });

  it("counts a repeated query term once, ignores unknown terms and honours k", () => {
    expect(index.search(["闭源", "闭源", "模型", "不存在"], 10)).toEqual(index.search(["闭源", "模型"], 10));
    expect(index.search(["模型"], 2).map((h) => h.index)).toEqual([1, 0]);
    expect(index.search(["不存在"], 5)).toEqual([]);
    expect(index.search([], 5)).toEqual([]);
  });

  it("breaks ties by passage order", () => {
    const tied = new Bm25Index(buildBm25([["甲"], ["乙"], ["甲"]]));
    expect(tied.search(["甲"], 5).map((h) => h.index)).toEqual([0, 2]);
  });

  it("gives the same results after a save and load through its typed-array files", async () => {
    const { dir, cleanup } = await tempDir("bm25");
    try {
      await saveBm25(dir, buildBm25(DOCS));
      const restored = new Bm25Index(await loadBm25(dir));
      expect(restored.size).toBe(3);
      for (const query of [["闭源", "模型", "开源"], ["许可证"], ["没有的词"]])
        expect(restored.search(query, 3)).toEqual(index.search(query, 3));
      expect(restored.documentFrequency("模型")).toBe(3);
    } finally {
      await cleanup();
    }
  });

  it("agrees with a brute-force BM25 on random collections, for every k, search after search", () => {
    const rand = prng(7);
    const vocabulary = Array.from({ length: 30 }, (_, i) => `词${i}`);
    for (let trial = 0; trial < 20; trial++) {
      const docs = Array.from({ length: 1 + Math.floor(rand() * 60) }, () =>
        Array.from(
          { length: 1 + Math.floor(rand() * 12) },
          () => vocabulary[Math.floor(rand() * 8 + rand() * 22)] ?? "",
        ),
      );
      const fast = new Bm25Index(buildBm25(docs));
      for (let q = 0; q < 5; q++) {
        const query = Array.from(
          { length: 1 + Math.floor(rand() * 4) },
          () => vocabulary[Math.floor(rand() * 30)] ?? "",
        );
        const expected = bruteForce(docs, query);
        for (const k of [1, 3, 10, 1000]) {
          const got = fast.search(query, k);
          expect(got.map((h) => h.index)).toEqual(expected.slice(0, k).map((h) => h.index));
          for (const [i, h] of got.entries())
            expect(h.score).toBeCloseTo(expected[i]?.score ?? Number.NaN, 9);
        }
      }
    }
  });

  it("handles an empty collection", () => {
    const empty = new Bm25Index(buildBm25([]));
    expect(empty.size).toBe(0);
    expect(empty.search(["开源"], 3)).toEqual([]);
  });

  it("finds Chinese passages by a segmented Chinese query", () => {
    const tokenizer = sharedTokenizer();
    const passages = [
      "开源大模型降低了技术门槛，社区可以共同改进。",
      "闭源大模型通过订阅服务收费，商业模式清晰。",
      "西红柿炒鸡蛋需要先炒鸡蛋。",
    ];
    const chinese = new Bm25Index(buildBm25(passages.map((p) => tokenizer.terms(p))));
    expect(chinese.search(tokenizer.terms("闭源模型怎么收费？"), 3)[0]?.index).toBe(1);
    expect(chinese.search(tokenizer.terms("开源的技术门槛"), 3)[0]?.index).toBe(0);
  });
});
