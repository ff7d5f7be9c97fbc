/**
 * Bm25Index.search skips postings that cannot change the top k (dynamic pruning). It must still
 * return exactly what scoring every posting returns: the same passages, in the same order, with
 * bit-identical scores. Checked against a plain term-at-a-time reference on random collections
 * whose term frequencies follow a Zipf-like law, so that a few terms are in most passages (as
 * 开源 and 闭源 are in the corpus) and most terms are rare.
 */
import { describe, expect, it } from "vitest";
import { type Bm25Data, type Bm25Hit, Bm25Index, buildBm25 } from "../../src/store/bm25.js";
import { prng } from "../helpers/ingest-helpers.js";

/**
 * Every posting of every distinct query term, in the query's order, each contribution added to
 * the passage's running sum; then sorted by score (higher first) and position, and cut at k.
 */
function reference(data: Bm25Data, index: Bm25Index, query: string[], k: number): Bm25Hit[] {
  const { k1, b, avgLength, lengths } = data;
  const scores = new Map<number, number>();
  for (const term of new Set(query)) {
    const idf = index.idf(term);
    const postings = index.postings(term);
    for (let i = 0; i < postings.length; i += 2) {
      const doc = postings[i]!;
      const tf = postings[i + 1]!;
      const norm = k1 * (1 - b + (b * lengths[doc]!) / (avgLength || 1));
      scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
    }
  }
  return [...scores]
    .map(([index, score]) => ({ index, score }))
    .sort((x, y) => y.score - x.score || x.index - y.index)
    .slice(0, Math.max(0, k));
}

/** Term ranks drawn with probability ∝ 1 / (rank + 1)^s. */
function zipf(rand: () => number, size: number, s: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 0; r < size; r++) {
    total += 1 / (r + 1) ** s;
    cumulative.push(total);
  }
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Collection {
  docs: string[][];
  vocabulary: string[];
  k1: number;
  b: number;
}

function randomCollection(rand: () => number, fewest = 0, most = 400): Collection {
  const vocabulary = Array.from({ length: 5 + Math.floor(rand() * 300) }, (_, i) => `词${i}`);
  const rank = zipf(rand, vocabulary.length, 0.8 + rand() * 0.8);
  const docs: string[][] = [];
  const count = fewest + Math.floor(rand() * (most - fewest));
  for (let d = 0; d < count; d++) {
    // Identical passages tie on every query: the lower position must win.
    if (docs.length > 0 && rand() < 0.1) {
      docs.push([...docs[Math.floor(rand() * docs.length)]!]);
      continue;
    }
    // A common term repeated: the one passage where that term makes its largest contribution,
    // and so where a bound on it is tight.
    if (rand() < 0.03) {
      const repeated = vocabulary[rank()]!;
      docs.push([
        ...Array.from({ length: 2 + Math.floor(rand() * 30) }, () => repeated),
        vocabulary[rank()]!,
      ]);
      continue;
    }
    docs.push(Array.from({ length: Math.floor(rand() * 40) }, () => vocabulary[rank()]!));
  }
  const [k1, b] = [
    [1.2, 0.75],
    [1.2, 0.75],
    [1.2, 0.75],
    [2, 0],
    [0.5, 1],
    [0, 0.75],
  ][Math.floor(rand() * 6)]!;
  return { docs, vocabulary, k1: k1!, b: b! };
}

/** Query terms mostly from the Zipf head or tail, with repeats and words in no passage. */
function randomQuery(rand: () => number, vocabulary: string[]): string[] {
  const head = Math.max(1, Math.floor(vocabulary.length / 20));
  return Array.from({ length: Math.floor(rand() * 9) }, () => {
    const x = rand();
    if (x < 0.05) return "没有的词";
    if (x < 0.45) return vocabulary[Math.floor(rand() * head)]!;
    return vocabulary[Math.floor(rand() * vocabulary.length)]!;
  });
}

describe("Bm25Index.search with pruning", () => {
  it("returns the reference's passages, order and bit-identical scores on random collections", () => {
    const rand = prng(13);
    let nonEmpty = 0;
    for (let trial = 0; trial < 80; trial++) {
      const { docs, vocabulary, k1, b } = randomCollection(rand);
      const data = buildBm25(docs, k1, b);
      const index = new Bm25Index(data);
      // One index, many searches: the reused accumulator must come back clean each time.
      for (let q = 0; q < 25; q++) {
        const query = randomQuery(rand, vocabulary);
        for (const k of [0, 1, 2, 3, 5, 10, 50, 100_000]) {
          const expected = reference(data, index, query, k);
          // toEqual compares numbers with Object.is: a score off by one ulp fails.
          expect(index.search(query, k), `trial ${trial}, query ${query.join(" ")}, k ${k}`).toEqual(
            expected,
          );
          if (expected.length > 0) nonEmpty++;
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(10_000);
  });

  it("agrees on collections where common terms have long enough postings for a measured bound", () => {
    const rand = prng(29);
    let measured = 0;
    for (let trial = 0; trial < 4; trial++) {
      const { docs, vocabulary, k1, b } = randomCollection(rand, 3000, 5000);
      const data = buildBm25(docs, k1, b);
      const index = new Bm25Index(data);
      measured += vocabulary.filter((term) => index.documentFrequency(term) >= 1024).length;
      for (let q = 0; q < 40; q++) {
        const query = randomQuery(rand, vocabulary);
        for (const k of [1, 5, 10, 50, 200]) {
          const expected = reference(data, index, query, k);
          expect(index.search(query, k), `trial ${trial}, query ${query.join(" ")}, k ${k}`).toEqual(
            expected,
          );
        }
      }
    }
    expect(measured).toBeGreaterThan(10);
  });

  it("finds a passage that reaches the top k only through a common term's largest contribution", () => {
    // Passage 0 repeats the common term: that term's largest contribution. The last three hold
    // the rare term, padded so that their scores sweep past passage 0's. Where they fall just
    // below it, a bound on the common term any lower than that contribution would skip passage 0.
    let closest = Number.POSITIVE_INFINITY;
    for (const repeats of [12, 13]) {
      for (let padding = 40; padding < 90; padding++) {
        const docs = [Array.from({ length: repeats }, () => "常见")];
        for (let i = 0; i < 1500; i++) docs.push(i % 4 === 0 ? [`填充${i % 50}`] : ["常见", `填充${i % 50}`]);
        for (let i = 0; i < 3; i++)
          docs.push(["稀有", ...Array.from({ length: padding }, (_, j) => `杂${j}`)]);
        const data = buildBm25(docs);
        const index = new Bm25Index(data);
        for (const k of [1, 3]) {
          const expected = reference(data, index, ["稀有", "常见"], k);
          expect(index.search(["稀有", "常见"], k), `padding ${padding}, k ${k}`).toEqual(expected);
        }
        const [first, ...others] = reference(data, index, ["稀有", "常见"], 4);
        const rare = others.find((h) => h.index > 1500);
        if (first?.index === 0 && rare) closest = Math.min(closest, (first.score - rare.score) / first.score);
      }
    }
    // The sweep does pass close by: within 0.5 %.
    expect(closest).toBeLessThan(0.005);
  });

  it("keeps the lower positions of passages tied at the k-th place", () => {
    const common = Array.from({ length: 200 }, (_, i) =>
      i % 7 === 0 ? ["稀有", "常见", "常见"] : ["常见", "填充"],
    );
    const data = buildBm25(common);
    const index = new Bm25Index(data);
    for (const query of [
      ["常见", "稀有"],
      ["稀有", "常见", "填充"],
      ["填充", "常见"],
    ])
      for (const k of [1, 5, 28, 29, 30, 199, 200])
        expect(index.search(query, k)).toEqual(reference(data, index, query, k));
  });

  it("scores a term found in every passage, where idf is floored, exactly", () => {
    // One rare term decides the top; the floored term only adds to it and must not be skipped.
    const docs = Array.from({ length: 500 }, (_, i) => ["到处", ...(i % 50 === 3 ? ["少见"] : []), "到处"]);
    const data = buildBm25(docs);
    const index = new Bm25Index(data);
    for (const k of [1, 10, 11, 500]) {
      const query = ["到处", "少见"];
      expect(index.search(query, k)).toEqual(reference(data, index, query, k));
    }
  });

  it("handles empty collections, empty passages, k = 0 and unknown terms", () => {
    for (const docs of [[], [[]], [[], []], [["甲"], [], ["甲", "乙"]]]) {
      const data = buildBm25(docs);
      const index = new Bm25Index(data);
      for (const query of [[], ["甲"], ["甲", "乙"], ["乙", "甲", "甲", "丙"], ["丙"]])
        for (const k of [0, 1, 2, 10])
          expect(index.search(query, k)).toEqual(reference(data, index, query, k));
    }
  });
});
