/**
 * BM25 search of a large loaded index shared between threads: each helper searches its own
 * slice of the passages (the same pruned search, over the postings of that slice) and the
 * calling thread the first, then the slices' best are merged. Every passage's score is computed
 * by one thread exactly as a single-threaded search computes it, so the hits, their order (ties
 * by position across slice boundaries) and their scores must be identical.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bm25Hit, Bm25Index, buildBm25, loadBm25, saveBm25 } from "../../src/store/bm25.js";
import { prng } from "../helpers/ingest-helpers.js";

function expectIdentical(got: Bm25Hit[], want: Bm25Hit[]): void {
  expect(got.map((h) => h.index)).toEqual(want.map((h) => h.index));
  got.forEach((h, i) => {
    expect(Object.is(h.score, want[i]?.score)).toBe(true);
  });
}

/** Passages of Zipf-distributed words (a few in most passages, like 开源 and 闭源), with exact repeats. */
function collection(rand: () => number, count: number): { docs: string[][]; vocabulary: string[] } {
  const vocabulary = Array.from({ length: 400 }, (_, i) => `词${i}`);
  const rank = () => Math.min(vocabulary.length - 1, Math.floor(1 / (rand() + 1e-3)));
  const docs: string[][] = [];
  for (let d = 0; d < count; d++) {
    if (docs.length > 0 && rand() < 0.15) docs.push([...docs[Math.floor(rand() * docs.length)]!]);
    else docs.push(Array.from({ length: 1 + Math.floor(rand() * 30) }, () => vocabulary[rank()]!));
  }
  return { docs, vocabulary };
}

describe("Bm25Index split between threads", () => {
  const rand = prng(29);
  const { docs, vocabulary } = collection(rand, 6000);
  const queries = Array.from({ length: 40 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 6) }, () =>
      rand() < 0.5
        ? vocabulary[Math.floor(rand() * 4)]!
        : vocabulary[Math.floor(rand() * vocabulary.length)]!,
    ),
  );
  const single = new Bm25Index(buildBm25(docs));
  let dir = "";
  const open: Bm25Index[] = [];
  const loaded = async (options: ConstructorParameters<typeof Bm25Index>[1]) => {
    const index = new Bm25Index(await loadBm25(dir), options);
    open.push(index);
    return index;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "bm25-threads-"));
    await saveBm25(dir, buildBm25(docs));
  });
  afterAll(async () => {
    await Promise.all(open.map((index) => index.close()));
    await rm(dir, { recursive: true, force: true });
  });

  for (const threads of [2, 3]) {
    it(`gives exactly the single thread's hits and scores with ${threads} threads`, async () => {
      const split = await loaded({ threads, splitFrom: 1000, splitPostings: 0 });
      expect(await split.whenSplit()).toBe(true);
      let searches = 0;
      for (const query of queries)
        for (const k of [1, 10, 50, 7000]) {
          expectIdentical(split.search(query, k), single.search(query, k));
          searches++;
        }
      // Queries of words in no passage have nothing to split.
      expect(split.splitSearches).toBeGreaterThan(searches * 0.9);
    });
  }

  it("orders equal scores by position across the slices' boundaries", async () => {
    const same = Array.from({ length: 3000 }, () => ["甲", "乙"]);
    const sameDir = await mkdtemp(path.join(tmpdir(), "bm25-ties-"));
    try {
      await saveBm25(sameDir, buildBm25(same));
      const split = new Bm25Index(await loadBm25(sameDir), { threads: 3, splitFrom: 100, splitPostings: 0 });
      open.push(split);
      expect(await split.whenSplit()).toBe(true);
      for (const k of [5, 1000, 1001, 2999, 3000])
        expect(split.search(["甲"], k).map((h) => h.index)).toEqual(Array.from({ length: k }, (_, i) => i));
      expect(split.splitSearches).toBe(5);
    } finally {
      await rm(sameDir, { recursive: true, force: true });
    }
  });

  it("searches alone below the sizes worth splitting, with one thread, and over postings built in memory", async () => {
    const cases = [
      await loaded({ threads: 2, splitFrom: 10_000, splitPostings: 0 }),
      await loaded({ threads: 1, splitFrom: 0, splitPostings: 0 }),
      new Bm25Index(buildBm25(docs), { threads: 2, splitFrom: 0, splitPostings: 0 }),
    ];
    for (const index of cases) {
      open.push(index);
      expect(await index.whenSplit()).toBe(false);
      for (const query of queries.slice(0, 10))
        expectIdentical(index.search(query, 20), single.search(query, 20));
      expect(index.splitSearches).toBe(0);
    }
    // Split, but not a query whose postings are too few to be worth a message.
    const few = await loaded({ threads: 2, splitFrom: 1000, splitPostings: 1_000_000 });
    expect(await few.whenSplit()).toBe(true);
    expectIdentical(few.search(queries[0]!, 20), single.search(queries[0]!, 20));
    expect(few.splitSearches).toBe(0);
  });

  it("finishes a search alone when a helper does not answer in time, and stops splitting", async () => {
    const mute = path.join(dir, "mute-worker.mjs");
    await writeFile(
      mute,
      'import { parentPort } from "node:worker_threads";\nparentPort.postMessage({ ready: true });\nparentPort.on("message", () => {});\n',
    );
    const index = await loaded({
      threads: 2,
      splitFrom: 1000,
      splitPostings: 0,
      helperUrl: pathToFileURL(mute),
      helperTimeoutMs: 200,
    });
    expect(await index.whenSplit()).toBe(true);
    for (const query of queries.slice(0, 5))
      expectIdentical(index.search(query, 30), single.search(query, 30));
    expect(index.splitSearches).toBe(0);
    expect(await index.whenSplit()).toBe(false);
  });

  it("searches alone after close()", async () => {
    const index = await loaded({ threads: 2, splitFrom: 1000, splitPostings: 0 });
    expect(await index.whenSplit()).toBe(true);
    await index.close();
    expect(await index.whenSplit()).toBe(false);
    expectIdentical(index.search(queries[1]!, 10), single.search(queries[1]!, 10));
    expect(index.splitSearches).toBe(0);
  });
});
