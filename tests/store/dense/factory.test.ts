/** The factory: one place picks the implementation, and a saved index loads as the kind it was saved as. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExactDenseIndex } from "../../../src/store/dense/exact.js";
import { createDenseIndex, loadDenseIndex } from "../../../src/store/dense/factory.js";
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

describeDenseIndexConformance("factory (hnsw, loaded through loadDenseIndex)", {
  create: (dimension) => new HnswDenseIndex(dimension, 400),
  load: (dir) => loadDenseIndex(dir, { ef: 400 }),
});
