/** The factory: one place picks the implementation, and a saved index loads as the kind it was saved as. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ColumnDenseIndex } from "../../../src/store/dense/column.js";
import { ExactDenseIndex } from "../../../src/store/dense/exact.js";
import {
  createDenseIndex,
  createDenseIndexBuilder,
  denseKindFor,
  loadDenseIndex,
} from "../../../src/store/dense/factory.js";
import { HnswDenseIndex } from "../../../src/store/dense/hnsw.js";
import { describeDenseIndexConformance } from "./conformance.js";

describe("dense index factory", () => {
  it("creates HNSW by default and exact on request, and loads each as what it was saved as", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "dense-factory-"));
    try {
      expect(createDenseIndex(4)).toBeInstanceOf(HnswDenseIndex);
      for (const [kind, type] of [
        ["hnsw", HnswDenseIndex],
        ["exact", ExactDenseIndex],
        ["column", ColumnDenseIndex],
      ] as const) {
        const index = createDenseIndex(4, kind);
        expect(index).toBeInstanceOf(type);
        index.add(
          ["a", "b"],
          [
            [1, 0, 0, 0],
            [0, 1, 0, 0],
          ],
        );
        await index.save(path.join(root, kind));
        const loaded = await loadDenseIndex(path.join(root, kind), { ef: 32 });
        expect(loaded).toBeInstanceOf(type);
        expect(loaded.search([0, 2, 0, 0], 1)).toEqual([{ id: "b", score: expect.closeTo(1, 5) }]);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("the dense index an embedder gets", () => {
  it("is the exact column scan for the builtin embedder and HNSW for a model", () => {
    expect(denseKindFor("builtin:hash-v1-512-0319b023")).toBe("column");
    expect(denseKindFor("ollama:bge-m3")).toBe("hnsw");
  });

  it("builds HNSW on a worker from vectors put in any order, searching like one built by add", async () => {
    const vectors = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(i * 3), Math.sin(i * 7), 1]);
    const ids = vectors.map((_, i) => `c${i}`);
    const builder = createDenseIndexBuilder("hnsw", 4, vectors.length, { ef: 400 });
    for (let i = vectors.length - 1; i >= 0; i--) builder.put(i, vectors[i] ?? []);
    const built = await builder.build(ids);
    const added = new HnswDenseIndex(4, 400);
    added.add(ids, vectors);
    expect(built).toBeInstanceOf(HnswDenseIndex);
    for (const q of vectors.slice(0, 20)) expect(built.search(q, 5)).toEqual(added.search(q, 5));
  });
});

describeDenseIndexConformance("factory (hnsw, loaded through loadDenseIndex)", {
  create: (dimension) => new HnswDenseIndex(dimension, 400),
  load: (dir) => loadDenseIndex(dir, { ef: 400 }),
});
