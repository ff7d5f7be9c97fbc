/**
 * The exact column scan shared between threads: helper threads add up their own slices of the
 * passages and the main thread the first, so every passage's score is the same float64 sum as a
 * single-threaded scan's, and the hits (ties by position across slice boundaries) are the same.
 * A helper that fails to answer must cost a slower search, never a wrong or a hung one.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { SearchHit } from "../../../src/retrieve/ports.js";
import { ColumnDenseIndex } from "../../../src/store/dense/column.js";
import { prng } from "../../helpers/ingest-helpers.js";

const DIM = 48;

function sparse(rand: () => number, nonZero: number): number[] {
  const v = new Array<number>(DIM).fill(0);
  for (let j = 0; j < nonZero; j++) v[Math.floor(rand() * DIM)] = (rand() < 0.5 ? -1 : 1) * (0.2 + rand());
  return v;
}

/** Same ids, same order, and every score the identical float64 value. */
function expectIdentical(got: SearchHit[][], want: SearchHit[][]): void {
  expect(got.map((hits) => hits.map((h) => h.id))).toEqual(want.map((hits) => hits.map((h) => h.id)));
  got.forEach((hits, q) => {
    hits.forEach((h, i) => {
      expect(Object.is(h.score, want[q]?.[i]?.score)).toBe(true);
    });
  });
}

const open: ColumnDenseIndex[] = [];
afterAll(async () => {
  await Promise.all(open.map((index) => index.close()));
});

function indexOf(vectors: number[][], options: ConstructorParameters<typeof ColumnDenseIndex>[2] = {}) {
  const index = new ColumnDenseIndex(DIM, undefined, options);
  index.add(
    vectors.map((_, i) => `p${i}`),
    vectors,
  );
  open.push(index);
  return index;
}

describe("ColumnDenseIndex split between threads", () => {
  const rand = prng(17);
  const vectors = Array.from({ length: 7001 }, () => sparse(rand, 16));
  const single = indexOf(vectors);
  const base = sparse(rand, 6);
  const batch = [
    base,
    ...Array.from({ length: 4 }, (_, v) => base.map((x, d) => (d === v * 9 + 2 ? x + 0.4 : x))),
  ];

  for (const threads of [2, 3]) {
    it(`gives exactly the single thread's hits and scores with ${threads} threads, for one to five queries and any k`, async () => {
      const split = indexOf(vectors, { threads, splitFrom: 1000 });
      expect(await split.whenSplit()).toBe(true);
      for (const size of [1, 2, 3, 5])
        for (const k of [1, 10, 60, 2500]) {
          const queries = batch.slice(0, size);
          expectIdentical(split.searchMany(queries, k), single.searchMany(queries, k));
        }
      // More than there are passages: every passage, in order.
      expectIdentical(split.searchMany(batch.slice(0, 1), 9000), single.searchMany(batch.slice(0, 1), 9000));
      expect(split.splitSearches).toBe(17);
    });
  }

  it("orders equal scores by position across the slices' boundaries", async () => {
    // Every passage the same vector: the hits are the first k positions, whichever thread summed them.
    const same = Array.from({ length: 3000 }, () => [1, 2, 0, 0, ...new Array<number>(DIM - 4).fill(0)]);
    const split = indexOf(same, { threads: 3, splitFrom: 100 });
    expect(await split.whenSplit()).toBe(true);
    const query = [1, 0, ...new Array<number>(DIM - 2).fill(0)];
    for (const k of [5, 1000, 1001, 2500, 3000])
      expect(split.search(query, k).map((h) => h.id)).toEqual(Array.from({ length: k }, (_, i) => `p${i}`));
    expect(split.splitSearches).toBe(5);
  });

  it("scans alone below the size worth splitting, and with one thread", async () => {
    for (const options of [
      { threads: 2, splitFrom: 10_000 },
      { threads: 1, splitFrom: 0 },
    ]) {
      const index = indexOf(vectors, options);
      expect(await index.whenSplit()).toBe(false);
      expectIdentical(index.searchMany(batch, 20), single.searchMany(batch, 20));
      expect(index.splitSearches).toBe(0);
    }
  });

  it("splits a loaded index, whose columns are still being read, and after passages are added", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "column-threads-"));
    try {
      await single.save(dir);
      const loaded = await ColumnDenseIndex.load(dir, { threads: 2, splitFrom: 1000 });
      open.push(loaded);
      // Before the helper is ready the main thread scans alone, exactly.
      expectIdentical(loaded.searchMany(batch, 25), single.searchMany(batch, 25));
      expect(await loaded.whenSplit()).toBe(true);
      expectIdentical(loaded.searchMany(batch, 25), single.searchMany(batch, 25));
      expect(loaded.splitSearches).toBeGreaterThan(0);
      const more = Array.from({ length: 500 }, () => sparse(rand, 16));
      loaded.add(
        more.map((_, i) => `p${7001 + i}`),
        more,
      );
      const all = indexOf([...vectors, ...more]);
      expect(await loaded.whenSplit()).toBe(true);
      const before = loaded.splitSearches;
      expectIdentical(loaded.searchMany(batch, 40), all.searchMany(batch, 40));
      expect(loaded.splitSearches).toBe(before + 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("finishes a search alone when a helper does not answer in time, and stops splitting", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "column-mute-"));
    try {
      // A helper that says it is ready and then never answers.
      const mute = path.join(dir, "mute-worker.mjs");
      await writeFile(
        mute,
        'import { parentPort } from "node:worker_threads";\nparentPort.postMessage({ ready: true });\nparentPort.on("message", () => {});\n',
      );
      const index = indexOf(vectors, {
        threads: 2,
        splitFrom: 1000,
        helperUrl: pathToFileURL(mute),
        helperTimeoutMs: 200,
      });
      expect(await index.whenSplit()).toBe(true);
      const started = performance.now();
      expectIdentical(index.searchMany(batch, 30), single.searchMany(batch, 30));
      expect(performance.now() - started).toBeLessThan(5000);
      expect(index.splitSearches).toBe(0);
      expect(await index.whenSplit()).toBe(false);
      expectIdentical(index.searchMany(batch, 30), single.searchMany(batch, 30));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("scans alone after close(), and close() ends the helper threads", async () => {
    const index = indexOf(vectors, { threads: 2, splitFrom: 1000 });
    expect(await index.whenSplit()).toBe(true);
    await index.close();
    expect(await index.whenSplit()).toBe(false);
    expectIdentical(index.searchMany(batch, 10), single.searchMany(batch, 10));
    expect(index.splitSearches).toBe(0);
  });
});
