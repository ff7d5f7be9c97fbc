/**
 * The builtin embedder's dense index: an exact scan over a dimension-major matrix. It must pass
 * the seam's conformance suite and find exactly a brute-force scan's neighbours (recall@10 = 1)
 * on vectors shaped like the builtin embedder's: sparse, and queries sparser still.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ColumnDenseIndex } from "../../../src/store/dense/column.js";
import { prng } from "../../helpers/ingest-helpers.js";
import { describeDenseIndexConformance } from "./conformance.js";

describeDenseIndexConformance("column", {
  create: (dimension) => new ColumnDenseIndex(dimension),
  load: (dir) => ColumnDenseIndex.load(dir),
});

/** A vector with `nonZero` random dimensions set, signed, like a hashed bag of words. */
function sparse(rand: () => number, dimension: number, nonZero: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  for (let j = 0; j < nonZero; j++)
    v[Math.floor(rand() * dimension)] = (rand() < 0.5 ? -1 : 1) * (0.2 + rand());
  return v;
}

/** Cosine similarity of every stored vector, written out plainly; best k, ties by position. */
function bruteForce(vectors: number[][], query: number[], k: number): number[] {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  const q = norm(query);
  return vectors
    .map((v, i) => ({ i, s: v.reduce((s, x, d) => s + (x / norm(v)) * ((query[d] ?? 0) / q), 0) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((h) => h.i);
}

describe("ColumnDenseIndex against brute force", () => {
  const DIM = 64;
  const rand = prng(5);
  const vectors = Array.from({ length: 2000 }, () => sparse(rand, DIM, 24));
  const ids = vectors.map((_, i) => `p${i}`);
  const queries = Array.from({ length: 50 }, () => sparse(rand, DIM, 4));

  it("has recall@10 = 1 whether filled by add or by the bulk builder", async () => {
    const added = new ColumnDenseIndex(DIM);
    added.add(ids.slice(0, 700), vectors.slice(0, 700));
    added.add(ids.slice(700), vectors.slice(700));
    const builder = ColumnDenseIndex.builder(DIM, vectors.length);
    // Out of order, as cached vectors arrive in the cache file's order.
    for (let i = vectors.length - 1; i >= 0; i--) builder.put(i, vectors[i] ?? []);
    const built = await builder.build(ids);
    let found = 0;
    for (const q of queries) {
      const want = bruteForce(vectors, q, 10).map((i) => `p${i}`);
      for (const index of [added, built]) {
        const got = index.search(q, 10).map((h) => h.id);
        found += got.filter((id) => want.includes(id)).length;
        expect(got).toEqual(want);
      }
    }
    expect(found / (queries.length * 2 * 10)).toBe(1);
  });

  it("searches several sparse queries in one pass with exactly the hits and scores of separate searches, across blocks", () => {
    // More passages than one 4,096-passage block, queries setting different dimensions.
    const many = Array.from({ length: 9000 }, () => sparse(rand, DIM, 24));
    const index = new ColumnDenseIndex(DIM);
    index.add(
      many.map((_, i) => `m${i}`),
      many,
    );
    const batch = Array.from({ length: 3 }, () => sparse(rand, DIM, 5));
    const together = index.searchMany(batch, 50);
    expect(together).toHaveLength(3);
    batch.forEach((q, qi) => {
      expect(together[qi]).toEqual(index.search(q, 50));
      expect(together[qi]?.map((h) => Number(h.id.slice(1)))).toEqual(bruteForce(many, q, 50));
    });
    expect(index.searchMany([], 10)).toEqual([]);
  });

  it("sums every query of a batch exactly when they share dimensions (a question and its per-side variants)", () => {
    const many = Array.from({ length: 5000 }, () => sparse(rand, DIM, 24));
    const index = new ColumnDenseIndex(DIM);
    index.add(
      many.map((_, i) => `m${i}`),
      many,
    );
    // A base query and variants adding one dimension each: one to five queries set a dimension.
    const base = sparse(rand, DIM, 8);
    const batch = [
      base,
      ...Array.from({ length: 4 }, (_, v) => base.map((x, d) => (d === v * 7 + 1 ? x + 0.5 : x))),
    ];
    for (const size of [1, 2, 3, 4, 5]) {
      const together = index.searchMany(batch.slice(0, size), 30);
      batch.slice(0, size).forEach((q, qi) => {
        expect(together[qi]).toEqual(index.search(q, 30));
        expect(together[qi]?.map((h) => Number(h.id.slice(1)))).toEqual(bruteForce(many, q, 30));
      });
    }
  });

  it("answers exactly from a loaded index at once, while its columns are still being read", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "column-load-"));
    try {
      const many = Array.from({ length: 6000 }, () => sparse(rand, DIM, 24));
      const saved = new ColumnDenseIndex(DIM);
      saved.add(
        many.map((_, i) => `m${i}`),
        many,
      );
      await saved.save(dir);
      const loaded = await ColumnDenseIndex.load(dir);
      // The first searches run before the background read can have finished.
      for (const q of queries.slice(0, 10))
        expect(loaded.search(q, 10).map((h) => Number(h.id.slice(1)))).toEqual(bruteForce(many, q, 10));
      expect(Array.from(loaded.matrix.columns)).toEqual(Array.from(saved.matrix.columns));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("breaks equal scores by position, as the brute force does", () => {
    const index = new ColumnDenseIndex(4);
    index.add(
      ["a", "b", "c", "d"],
      [
        [0, 1, 0, 0],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [1, 0, 0, 0],
      ],
    );
    expect(index.search([1, 0, 0, 0], 3).map((h) => h.id)).toEqual(["b", "d", "a"]);
  });

  it("keeps the last vector put at a position, zeros included", async () => {
    const builder = ColumnDenseIndex.builder(4, 2);
    builder.put(0, [1, 1, 0, 0]);
    builder.put(0, [0, 0, 1, 0]);
    builder.put(1, [0, 1, 0, 0]);
    const index = (await builder.build(["a", "b"])) as ColumnDenseIndex;
    expect(Array.from(index.matrix.columns)).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(index.search([1, 0, 0, 0], 2).map((h) => h.score)).toEqual([0, 0]);
  });

  it("refuses a vector of the wrong dimension", () => {
    expect(() => new ColumnDenseIndex(4).add(["a"], [[1, 0]])).toThrow(/2 dimensions, expected 4/);
    expect(() => ColumnDenseIndex.builder(4, 1).put(0, [1])).toThrow(/1 dimensions, expected 4/);
  });
});
