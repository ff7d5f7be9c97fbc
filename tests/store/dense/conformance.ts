/**
 * What every DenseIndex implementation must do, as a suite any implementation can run:
 * `describeDenseIndexConformance("name", { create, load })`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DenseIndex } from "../../../src/store/dense/dense-index.js";
import { prng } from "../../helpers/ingest-helpers.js";

export interface DenseIndexFactory {
  create(dimension: number): DenseIndex;
  load(dir: string): Promise<DenseIndex>;
}

function randomVectors(n: number, dimension: number, seed: number): number[][] {
  const rand = prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dimension }, () => rand() * 2 - 1));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return dot / Math.sqrt(na * nb);
}

/** The exact answer: every stored vector scored, best first. */
function bruteForce(ids: string[], vectors: number[][], query: number[], k: number) {
  return ids
    .map((id, i) => ({ id, score: cosine(query, vectors[i] ?? []) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

export function describeDenseIndexConformance(name: string, factory: DenseIndexFactory): void {
  describe(`DenseIndex conformance: ${name}`, () => {
    const dirs: string[] = [];
    afterEach(async () => {
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    });
    const tempDir = async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "dense-conformance-"));
      dirs.push(dir);
      return path.join(dir, "index");
    };

    const DIM = 16;
    const N = 300;
    const ids = Array.from({ length: N }, (_, i) => `chunk-${i}`);
    const vectors = randomVectors(N, DIM, 11);
    const queries = randomVectors(20, DIM, 12);

    it("counts what was added and finds each vector as its own nearest neighbour", () => {
      const index = factory.create(DIM);
      index.add(ids, vectors);
      expect(index.count).toBe(N);
      for (const i of [0, 17, 150, N - 1]) {
        const [hit] = index.search(vectors[i] ?? [], 1);
        expect(hit?.id).toBe(ids[i]);
        expect(hit?.score).toBeCloseTo(1, 4);
      }
    });

    it("names passages by the ids they were added with, across several add calls", () => {
      const index = factory.create(DIM);
      index.add(ids.slice(0, 100), vectors.slice(0, 100));
      index.add(ids.slice(100), vectors.slice(100));
      expect(index.count).toBe(N);
      const [hit] = index.search(vectors[250] ?? [], 1);
      expect(hit?.id).toBe("chunk-250");
    });

    it("agrees with a brute-force cosine scan on the top k, ids, order and scores", () => {
      const index = factory.create(DIM);
      index.add(ids, vectors);
      for (const q of queries) {
        const got = index.search(q, 10);
        const want = bruteForce(ids, vectors, q, 10);
        expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
        got.forEach((h, i) => {
          expect(h.score).toBeCloseTo(want[i]?.score ?? Number.NaN, 4);
        });
      }
    });

    it("returns at most as many hits as it holds, best first", () => {
      const index = factory.create(DIM);
      index.add(ids.slice(0, 5), vectors.slice(0, 5));
      const hits = index.search(queries[0] ?? [], 50);
      expect(hits).toHaveLength(5);
      for (let i = 1; i < hits.length; i++)
        expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
      expect(index.search(queries[0] ?? [], 0)).toEqual([]);
    });

    it("searches the same after a save and load round trip", async () => {
      const index = factory.create(DIM);
      index.add(ids, vectors);
      const dir = await tempDir();
      await index.save(dir);
      const loaded = await factory.load(dir);
      expect(loaded.count).toBe(N);
      for (const q of queries) expect(loaded.search(q, 10)).toEqual(index.search(q, 10));
    });

    it("is empty before anything is added, and stays so through a save and load", async () => {
      const index = factory.create(DIM);
      expect(index.count).toBe(0);
      expect(index.search(queries[0] ?? [], 5)).toEqual([]);
      const dir = await tempDir();
      await index.save(dir);
      const loaded = await factory.load(dir);
      expect(loaded.count).toBe(0);
      expect(loaded.search(queries[0] ?? [], 5)).toEqual([]);
    });
  });
}
