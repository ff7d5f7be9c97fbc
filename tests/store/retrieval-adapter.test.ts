import { describe, expect, it } from "vitest";
import { Bm25Index, buildBm25 } from "../../src/store/bm25.js";
import { retrievalSource, toRetrievalIndex } from "../../src/store/retrieval-adapter.js";
import type { SearchIndex } from "../../src/store/search-index.js";
import { passage } from "../retrieve/fake-index.js";

const chunks = [passage("c-open", "开源 模型"), passage("b-closed", "闭源 模型"), passage("a-other", "天气")];
const searchIndex = {
  buildId: "b1",
  chunks,
  bm25: new Bm25Index(buildBm25(chunks.map((c) => c.text.split(" ")))),
  dense: null,
} as unknown as SearchIndex;

describe("SearchIndex → RetrievalIndex adapter", () => {
  it("turns positions into chunk ids and keeps the build's order for tie-breaks", () => {
    const index = toRetrievalIndex(searchIndex);
    expect(index.lexical.size).toBe(3);
    expect(index.lexical.search(["模型"], 5).map((h) => h.id)).toEqual(["c-open", "b-closed"]);
    expect(index.lexical.documentFrequency("模型")).toBe(2);
    expect(index.dense).toBeNull();
    expect(index.passages.get("b-closed")?.text).toBe("闭源 模型");
    expect(index.passages.get("missing")).toBeUndefined();
    expect(chunks.map((c) => index.passages.order(c.id))).toEqual([0, 1, 2]);
  });

  it("adapts each loaded build once", async () => {
    const source = retrievalSource({ current: async () => searchIndex });
    expect(await source.current()).toBe(await source.current());
  });
});
