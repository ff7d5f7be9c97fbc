import { describe, expect, it } from "vitest";
import { RETRIEVAL_DEFAULTS } from "../../src/config.js";
import type { RankedList } from "../../src/retrieve/candidates.js";
import type { ScoredPassage } from "../../src/retrieve/passages.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { rerankHead } from "../../src/retrieve/rerank.js";
import { CoverageReranker } from "../../src/retrieve/rerankers/coverage.js";
import { createReranker, type Reranker, type RerankQuery } from "../../src/retrieve/rerankers/index.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { passage } from "./fake-index.js";

const tokenizer = sharedTokenizer();
const ids = (ps: ScoredPassage[]) => ps.map((p) => p.chunk.id);
const texts: Record<string, string> = {
  a: "开源模型的社区很活跃。",
  b: "闭源模型由厂商来维护。",
  c: "开源模型的许可证成本为零，部署成本取决于硬件。",
  d: "大模型的发展很快。",
  e: "许可证有很多种。",
};
const order = (id: string) => Object.keys(texts).indexOf(id);
const fused: ScoredPassage[] = Object.entries(texts).map(([id, text], i) => ({
  chunk: passage(id, text),
  score: 1 - i / 10,
}));
const query: RerankQuery = { analysis: analyseQuestion("开源模型的成本", tokenizer), conceptWeights: [1] };
const options = { depth: 3, listHead: 1, order };

/** A trivial alternative: shortest passage first. Proves a reranker is one small class. */
class ShortestFirst implements Reranker {
  readonly name = "shortest";
  async rerank(passages: ScoredPassage[]): Promise<ScoredPassage[]> {
    return passages.map((p) => ({ chunk: p.chunk, score: 1 / p.chunk.text.length }));
  }
}

describe("rerank stage", () => {
  it("hands the reranker the fused head and each list's top, and ranks what it returns by score", async () => {
    const seen: string[][] = [];
    const spy: Reranker = {
      name: "spy",
      async rerank(passages) {
        seen.push(ids(passages));
        return new ShortestFirst().rerank(passages);
      },
    };
    const lists: RankedList[] = [{ weight: 1, ids: ["e", "a"] }];
    const out = await rerankHead(fused, lists, spy, query, options);
    expect(seen).toEqual([["a", "b", "c", "e"]]);
    // Head by length (e 6 chars; a and b 11 each, a tie broken by index order; c longest), then the rest as fused.
    expect(ids(out)).toEqual(["e", "a", "b", "c", "d"]);
    expect(out[4]?.score).toBe(fused[3]?.score);
  });

  it("keeps the fused order untouched without a reranker (RERANKER=none)", async () => {
    const out = await rerankHead(fused, [{ weight: 1, ids: ["e"] }], null, query, options);
    expect(out).toEqual(fused);
    expect(createReranker({ ...RETRIEVAL_DEFAULTS, reranker: "none" }, { tokenizer })).toBeNull();
  });

  it("by default rescores by how much of the question a passage answers on its own", async () => {
    const reranker = createReranker(RETRIEVAL_DEFAULTS, { tokenizer });
    expect(reranker).toBeInstanceOf(CoverageReranker);
    const out = await rerankHead(fused, [], reranker, query, options);
    // c expresses 成本 (the one concept), a and b do not: c rises to the top.
    expect(ids(out).slice(0, 3)).toEqual(["c", "a", "b"]);
    expect(out[0]?.score).toBeCloseTo(0.8 / 1 + 0.6 * 1, 12);
    expect(out[1]?.score).toBeCloseTo(1, 12);
  });

  it("ranks a passage under a heading that names the concept above one that names it in passing", async () => {
    const reranker = createReranker(RETRIEVAL_DEFAULTS, { tokenizer });
    const inPassing = passage("p", "开源和闭源各有优势和挑战，本文逐一分析。", ["引言"]);
    const underHeading = passage("h", "技术成熟度仍需提高；合规要求越来越严。", ["开源与闭源面临的挑战"]);
    const q: RerankQuery = { analysis: analyseQuestion("开源闭源 共同挑战", tokenizer), conceptWeights: [1] };
    const out = await reranker?.rerank(
      [
        { chunk: inPassing, score: 1 },
        { chunk: underHeading, score: 0.95 },
      ],
      q,
    );
    const byId = new Map(out?.map((p) => [p.chunk.id, p.score]));
    expect(byId.get("h")).toBeGreaterThan(byId.get("p") ?? Number.POSITIVE_INFINITY);
  });
});
