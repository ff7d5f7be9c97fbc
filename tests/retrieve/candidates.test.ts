import { describe, expect, it } from "vitest";
import { gatherCandidates, subQueries } from "../../src/retrieve/candidates.js";
import { analyseQuestion } from "../../src/retrieve/query.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { fakeIndex, passage } from "./fake-index.js";

const tokenizer = sharedTokenizer();
const chunks = [passage("p1", "开源模型的成本低"), passage("p2", "闭源模型的成本高"), passage("p3", "天气")];

/** Records which embedding call retrieval makes: a query must be embedded as a query. */
function recordingEmbeddings() {
  const calls: string[] = [];
  return {
    calls,
    id: "test:recording",
    async embedQuery(text: string) {
      calls.push(`query:${text}`);
      return [calls.length];
    },
    async embedDocuments(texts: string[]) {
      calls.push(...texts.map((t) => `documents:${t}`));
      return texts.map(() => [0]);
    },
  };
}

describe("candidates", () => {
  it("searches a comparison's aspect once per side, with the side's word", () => {
    const queries = subQueries(analyseQuestion("开源和闭源在成本上有什么区别？", tokenizer));
    expect(queries.map((q) => q.side)).toEqual([undefined, "open", "closed"]);
    expect(queries[1]?.lexical).toContain("开源");
    expect(queries[2]?.lexical).toContain("闭源");
    expect(queries[2]?.lexical).toContain("成本");
    expect(subQueries(analyseQuestion("GPT-3 有多少参数？", tokenizer))).toHaveLength(1);
  });

  it("gives each sub-query a lexical list and a weighted dense list, embedding the text with embedQuery", async () => {
    const embeddings = recordingEmbeddings();
    const index = fakeIndex(chunks, () => ["p3", "p1"]);
    const queries = subQueries(analyseQuestion("开源和闭源在成本上有什么区别？", tokenizer));
    const lists = await gatherCandidates(queries, index, embeddings, { candidates: 50, denseWeight: 0.5 });
    expect(lists.map((l) => l.weight)).toEqual([1, 0.5, 1, 0.5, 1, 0.5]);
    expect(lists[1]?.ids).toEqual(["p3", "p1"]);
    expect(lists[2]?.ids[0]).toBe("p1");
    expect(embeddings.calls).toEqual(queries.map((q) => `query:${q.dense}`));
  });

  it("embeds nothing when the index has no vectors", async () => {
    const embeddings = recordingEmbeddings();
    const lists = await gatherCandidates(
      subQueries(analyseQuestion("开源模型的成本", tokenizer)),
      fakeIndex(chunks),
      embeddings,
      { candidates: 1, denseWeight: 1 },
    );
    expect(embeddings.calls).toEqual([]);
    expect(lists).toEqual([{ weight: 1, ids: ["p1"] }]);
  });
});
