import { describe, expect, it } from "vitest";
import { collapseNearDuplicates } from "../../src/retrieve/dedupe.js";
import { passage } from "./fake-index.js";

const scored = (id: string, text: string, score: number) => ({ chunk: passage(id, text), score });
const LONG = "开源大模型的代码和权重公开，研究者可以复现、审计并在此基础上继续改进，社区的参与让迭代更快。";

describe("near-duplicate collapse", () => {
  it("keeps the first of two passages that say the same thing, whitespace aside", () => {
    const kept = collapseNearDuplicates(
      [
        scored("a", LONG, 3),
        scored("b", LONG.replace("，", " ，\n"), 2),
        scored("c", "闭源模型按调用收费。", 1),
      ],
      { limit: 10, threshold: 0.8 },
    );
    expect(kept.map((p) => p.chunk.id)).toEqual(["a", "c"]);
  });

  it("keeps a longer passage that merely overlaps a shorter one (Jaccard, not containment)", () => {
    const short = LONG.slice(0, 20);
    const kept = collapseNearDuplicates([scored("short", short, 2), scored("long", LONG, 1)], {
      limit: 10,
      threshold: 0.8,
    });
    expect(kept.map((p) => p.chunk.id)).toEqual(["short", "long"]);
  });

  it("stops at the limit", () => {
    const many = ["一二三四", "五六七八", "甲乙丙丁", "子丑寅卯"].map((t, i) => scored(String(i), t, 4 - i));
    expect(collapseNearDuplicates(many, { limit: 2, threshold: 0.8 }).map((p) => p.chunk.id)).toEqual([
      "0",
      "1",
    ]);
  });
});
