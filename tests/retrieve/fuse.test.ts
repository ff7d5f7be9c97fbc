import { describe, expect, it } from "vitest";
import { denseWeightFor, fuseReciprocalRank } from "../../src/retrieve/fuse.js";

const order = (id: string) => ["a", "b", "c", "d"].indexOf(id);

describe("reciprocal-rank fusion", () => {
  it("sums weight / (c + rank) over the lists, rank counted from 1", () => {
    const fused = fuseReciprocalRank(
      [
        { weight: 1, ids: ["a", "b"] },
        { weight: 0.5, ids: ["b", "c"] },
      ],
      60,
      order,
    );
    expect(fused.map((h) => h.id)).toEqual(["b", "a", "c"]);
    expect(fused[0]?.score).toBe(1 / 62 + 0.5 / 61);
    expect(fused[1]?.score).toBe(1 / 61);
    expect(fused[2]?.score).toBe(0.5 / 62);
  });

  it("breaks equal scores by the index's stable order, not by id or list position", () => {
    const reversed = (id: string) => ["d", "c", "b", "a"].indexOf(id);
    const lists = [
      { weight: 1, ids: ["a"] },
      { weight: 1, ids: ["d"] },
    ];
    expect(fuseReciprocalRank(lists, 60, order).map((h) => h.id)).toEqual(["a", "d"]);
    expect(fuseReciprocalRank(lists, 60, reversed).map((h) => h.id)).toEqual(["d", "a"]);
  });

  it("gives the builtin embedder's list half a vote and a model's a full one", () => {
    const weights = { builtin: 0.5, model: 1 };
    expect(denseWeightFor("builtin:hash-v1-512-0319b023", weights)).toBe(0.5);
    expect(denseWeightFor("ollama:bge-m3", weights)).toBe(1);
  });
});
