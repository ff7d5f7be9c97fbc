import { describe, expect, it } from "vitest";
import { RETRIEVAL_DEFAULTS } from "../../src/config.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { createReranker, type Reranker } from "../../src/retrieve/rerankers/index.js";
import { retrieve } from "../../src/retrieve/retrieve.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { fakeIndex, passage } from "./fake-index.js";

const tokenizer = sharedTokenizer();
const embeddings = {
  id: "builtin:test",
  embedQuery: async () => [1],
};
const settings = RETRIEVAL_DEFAULTS;
const deps = (reranker: Reranker | null = createReranker(settings, { tokenizer })) => ({
  embeddings,
  tokenizer,
  reranker,
  settings,
});
const ids = (xs: Array<{ chunk: { id: string } }>) => xs.map((x) => x.chunk.id);

// Ids sort the other way from the index order, so a tie broken by id would show.
const chunks = [
  passage("z-open-cost", "开源模型的许可证免费，使用成本低，企业可以自行部署。", ["开源的优势"]),
  passage("y-closed-cost", "闭源模型按调用次数收费，长期使用成本较高。", ["闭源的劣势"]),
  passage("x-open-community", "开源模型的社区活跃，迭代很快。", ["开源的优势"]),
  passage("w-reprint", "开源模型的许可证免费，使用成本低，企业可以自行部署。", ["转载"]),
  passage("v-weather", "明天有雨。"),
];

describe("retrieve over an in-memory index", () => {
  it("ranks by chunk id through the ports, collapsing the reprint and reporting scores", async () => {
    const index = fakeIndex(chunks, () => ["x-open-community", "z-open-cost"]);
    const analysis = analyseQuestion("开源模型的成本怎么样？", tokenizer);
    const r = await retrieve(analysis, index, deps(), { k: 2 });
    expect(ids(r.ranked)[0]).toBe("z-open-cost");
    expect(ids(r.ranked)).not.toContain("w-reprint");
    expect(ids(r.ranked)).not.toContain("v-weather");
    expect(ids(r.top)).toEqual(ids(r.ranked).slice(0, 2));
    expect(r.conceptWeights).toHaveLength(analysis.concepts.length);
    for (let i = 1; i < r.ranked.length; i++)
      expect(r.ranked[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(r.ranked[i]?.score ?? 0);
  });

  it("gives each side of a comparison a passage on the aspect asked about", async () => {
    const index = fakeIndex(chunks, () => ["x-open-community", "z-open-cost", "w-reprint"]);
    const r = await retrieve(analyseQuestion("开源和闭源在成本上有什么区别？", tokenizer), index, deps(), {
      k: 1,
    });
    expect(ids(r.top)).toContain("y-closed-cost");
    expect(ids(r.top).some((id) => id === "z-open-cost" || id === "x-open-community")).toBe(true);
  });

  it("takes a side's passage as on the aspect relative to the best the ranking offers", async () => {
    // No passage of the head says much of the question (透明度 is common, 得分 and 更高 rare). The
    // open and closed passages on 透明度 stay: each side has its passage, and one that holds the
    // rarer words does not push the closed side out.
    const transparency = [
      passage("a-open-transp", "开源模型的透明度好，代码和权重都公开。", ["开源"]),
      passage("b-closed-transp", "闭源模型的透明度较低，外界无法审查。", ["闭源"]),
      passage("c-open-score", "开源模型在内部评测中得分更高，为 82。", ["开源"]),
      passage("d-index", "透明度指数每年发布一次。"),
      passage("e-index", "透明度报告由研究机构撰写。"),
    ];
    const index = fakeIndex(transparency, () => ["a-open-transp", "b-closed-transp"]);
    const analysis = analyseQuestion("开源和闭源在透明度上谁得分更高？", tokenizer);
    const r = await retrieve(analysis, index, deps(null), { k: 2 });
    expect(ids(r.ranked).slice(0, 2)).toEqual(["a-open-transp", "b-closed-transp"]);
    expect(ids(r.top)).toEqual(["a-open-transp", "b-closed-transp"]);
  });

  it("uses whatever reranker it is given", async () => {
    const index = fakeIndex(chunks);
    const last: Reranker = {
      name: "reverse-index-order",
      rerank: async (passages) =>
        passages.map((p) => ({ chunk: p.chunk, score: index.passages.order(p.chunk.id) })),
    };
    const r = await retrieve(analyseQuestion("开源模型的成本", tokenizer), index, deps(last), { k: 3 });
    const orders = ids(r.ranked).map((id) => index.passages.order(id));
    expect(orders).toEqual([...orders].sort((a, b) => b - a));
  });

  it("returns nothing, without failing, when no passage matches", async () => {
    const r = await retrieve(analyseQuestion("量子计算", tokenizer), fakeIndex(chunks), deps(), { k: 3 });
    expect(r.ranked).toEqual([]);
    expect(r.top).toEqual([]);
  });
});

describe("code passages", () => {
  const code = {
    ...passage("a-code", "# 用 Ollama 运行 qwen2.5，默认上下文 2048\nollama run qwen2.5:7b --num-ctx 2048", [
      "用 Ollama 运行 qwen2.5",
    ]),
    kind: "code" as const,
  };
  const prose = passage("b-prose", "Ollama 默认的上下文长度是 2048。", ["部署"]);
  const other = passage("c-other", "闭源模型按调用次数收费。", ["费用"]);
  const index = fakeIndex([code, prose, other], () => ["a-code", "b-prose", "c-other"]);

  it("rank below prose for a question that does not ask for code, which the answer would not quote", async () => {
    const analysis = analyseQuestion("用 Ollama 运行 qwen2.5 的默认上下文是多少？", tokenizer);
    expect(analysis.asksCode).toBe(false);
    const r = await retrieve(analysis, index, deps(), { k: 2 });
    expect(ids(r.ranked)[0]).toBe("b-prose");
    expect(ids(r.ranked).at(-1)).toBe("a-code");
  });

  it("keep their place for a question about code", async () => {
    const analysis = analyseQuestion("用 Ollama 运行 qwen2.5 的命令代码怎么写？", tokenizer);
    expect(analysis.asksCode).toBe(true);
    const r = await retrieve(analysis, index, deps(), { k: 2 });
    expect(ids(r.ranked)[0]).toBe("a-code");
  });
});
