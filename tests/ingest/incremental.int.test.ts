/**
 * Incremental re-ingest: files are classified new / changed / unchanged / removed by content hash,
 * only passages the vector cache lacks are embedded, and everything else is reused. Counts are
 * checked twice: from the summary, and by an embedder that records every text it is given.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddingText } from "../../src/chunk/chunker.js";
import type { IngestSummary } from "../../src/ingest/pipeline.js";
import { readCurrentBuildId, readManifest } from "../../src/store/build.js";
import { loadIndex } from "../../src/store/load.js";
import type { Chunk } from "../../src/types.js";
import { CountingEmbeddings, runIngest, syntheticArticle, tempDir } from "../helpers/ingest-helpers.js";

let corpusDir = "";
let indexDir = "";
let cleanup: () => Promise<void> = async () => {};
const embedder = new CountingEmbeddings();

async function ingestCounting(full = false): Promise<IngestSummary> {
  embedder.reset();
  return runIngest(corpusDir, indexDir, { embeddings: embedder, full, embedBatch: 7 });
}

async function currentChunks(): Promise<Chunk[]> {
  const id = await readCurrentBuildId(indexDir);
  if (!id) throw new Error("no index");
  return [...(await loadIndex(indexDir, id, { ef: 64 })).chunks];
}

const bySource = (chunks: Chunk[], source: string) => chunks.filter((c) => c.source === source);
const write = (name: string, text: string) => writeFile(path.join(corpusDir, name), text);

beforeAll(async () => {
  const tmp = await tempDir("ingest-incremental");
  cleanup = tmp.cleanup;
  corpusDir = path.join(tmp.dir, "corpus");
  indexDir = path.join(tmp.dir, "index");
  await mkdir(corpusDir);
  for (let n = 1; n <= 4; n++) await write(`article-${n}.txt`, syntheticArticle(n));
});

afterAll(() => cleanup());

describe("incremental re-ingest", () => {
  let before: Chunk[] = [];

  it("embeds every passage on the first run, with the title and heading path in front of each", async () => {
    const summary = await ingestCounting();
    before = await currentChunks();
    expect(summary.files).toEqual({ added: 4, changed: 0, unchanged: 0, removed: 0, skipped: 0 });
    expect(summary.chunks.total).toBe(before.length);
    expect(summary.chunks).toEqual({ embedded: before.length, reused: 0, total: before.length });
    expect(summary.rebuildReason).toBeNull();
    expect(embedder.texts.sort()).toEqual(before.map((c) => embeddingText(c)).sort());
    for (const c of before)
      expect(embeddingText(c).startsWith(`${c.title}\n${c.headingPath.join(" › ")}\n`)).toBe(true);
  });

  it("embeds nothing when nothing changed, and keeps every passage id", async () => {
    const summary = await ingestCounting();
    expect(summary.files).toEqual({ added: 0, changed: 0, unchanged: 4, removed: 0, skipped: 0 });
    expect(summary.chunks).toEqual({ embedded: 0, reused: before.length, total: before.length });
    expect(embedder.texts).toEqual([]);
    expect((await currentChunks()).map((c) => c.id)).toEqual(before.map((c) => c.id));
  });

  it("embeds exactly the passages of an added file", async () => {
    await write("article-5.txt", syntheticArticle(5));
    const summary = await ingestCounting();
    const after = await currentChunks();
    const added = bySource(after, "article-5.txt");
    expect(added.length).toBeGreaterThan(0);
    expect(summary.files).toEqual({ added: 1, changed: 0, unchanged: 4, removed: 0, skipped: 0 });
    expect(summary.chunks).toEqual({
      embedded: added.length,
      reused: before.length,
      total: before.length + added.length,
    });
    expect(embedder.texts.sort()).toEqual(added.map((c) => embeddingText(c)).sort());
    expect(after.filter((c) => c.source !== "article-5.txt").map((c) => c.id)).toEqual(
      before.map((c) => c.id),
    );
    before = after;
  });

  it("embeds only the new passages of a changed file and reuses the rest", async () => {
    const original = syntheticArticle(2);
    const lines = original.split("\n");
    // Rewrite one paragraph of the last section; every other passage stays as it was.
    const target = lines.findLastIndex((l) => l.startsWith("第2篇"));
    lines[target] = "第2篇改写段：开源与闭源之争在这一年有了新的变化，监管部门开始关注模型的可审计性。";
    await write("article-2.txt", lines.join("\n"));
    const summary = await ingestCounting();
    const after = await currentChunks();
    const oldIds = new Set(before.map((c) => c.id));
    const fresh = after.filter((c) => !oldIds.has(c.id));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((c) => c.source === "article-2.txt")).toBe(true);
    expect(fresh.length).toBeLessThan(bySource(after, "article-2.txt").length);
    expect(summary.files).toEqual({ added: 0, changed: 1, unchanged: 4, removed: 0, skipped: 0 });
    expect(summary.chunks).toEqual({
      embedded: fresh.length,
      reused: after.length - fresh.length,
      total: after.length,
    });
    expect(embedder.texts.sort()).toEqual(fresh.map((c) => embeddingText(c)).sort());
    expect(after.filter((c) => c.source !== "article-2.txt").map((c) => c.id)).toEqual(
      before.filter((c) => c.source !== "article-2.txt").map((c) => c.id),
    );
    expect(after.some((c) => c.text.includes("第2篇改写段"))).toBe(true);
    before = after;
  });

  it("drops exactly the passages of a removed file and embeds nothing", async () => {
    await rm(path.join(corpusDir, "article-3.txt"));
    const summary = await ingestCounting();
    const after = await currentChunks();
    expect(summary.files).toEqual({ added: 0, changed: 0, unchanged: 4, removed: 1, skipped: 0 });
    expect(embedder.texts).toEqual([]);
    expect(bySource(after, "article-3.txt")).toEqual([]);
    expect(after.map((c) => c.id)).toEqual(
      before.filter((c) => c.source !== "article-3.txt").map((c) => c.id),
    );
    expect(summary.chunks).toEqual({ embedded: 0, reused: after.length, total: after.length });
    const manifest = await readManifest(indexDir, summary.buildId);
    expect([...manifest.files.sources()].sort()).toEqual([
      "article-1.txt",
      "article-2.txt",
      "article-4.txt",
      "article-5.txt",
    ]);
    expect(manifest.chunkCount).toBe(after.length);
    for (const [source, entry] of manifest.files.entries()) {
      expect(entry.passages).toBe(bySource(after, source).length);
    }
    before = after;
  });

  it("brings a removed file back from the cache without embedding it again", async () => {
    await write("article-3.txt", syntheticArticle(3));
    const summary = await ingestCounting();
    expect(summary.files.added).toBe(1);
    expect(summary.chunks.embedded).toBe(0);
    expect(embedder.texts).toEqual([]);
  });

  it("re-embeds every passage with --full", async () => {
    const summary = await ingestCounting(true);
    const after = await currentChunks();
    expect(summary.rebuildReason).toBe("--full");
    expect(summary.chunks).toEqual({ embedded: after.length, reused: 0, total: after.length });
    expect(embedder.texts.sort()).toEqual(after.map((c) => embeddingText(c)).sort());
    // …and the run after it reuses everything again.
    expect((await ingestCounting()).chunks.embedded).toBe(0);
  });

  it("stores vectors that match what the embedder returns for each passage", async () => {
    const id = await readCurrentBuildId(indexDir);
    const index = await loadIndex(indexDir, id ?? "", { ef: 64 });
    expect(index.dense?.count).toBe(index.chunks.length);
    for (const [i, chunk] of index.chunks.entries()) {
      if (i % 5 !== 0) continue;
      const vector = await embedder.embedQuery(embeddingText(chunk));
      const [hit] = index.dense?.search(vector, 1) ?? [];
      expect(hit?.id).toBe(chunk.id);
      expect(hit?.score).toBeCloseTo(1, 4);
    }
  });
});
