/**
 * The on-disk index: each ingest writes a fresh build directory and swaps CURRENT to it; old
 * builds are pruned (current and previous kept); a change of embedder or chunking forces a full
 * rebuild; two ingests at once are refused; and loading an index built by another embedder than
 * the configured one is a clear error.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { embeddingText } from "../../src/chunk/chunker.js";
import { BuiltinEmbeddings } from "../../src/embed/builtin.js";
import type { IndexEmbeddings } from "../../src/embed/types.js";
import { UserError } from "../../src/errors.js";
import { buildFiles, layout, readCurrentBuildId, readManifest } from "../../src/store/build.js";
import type { ColumnDenseIndex } from "../../src/store/dense/column.js";
import { IndexHandle, loadIndex, summariseIndex } from "../../src/store/load.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { CountingEmbeddings, runIngest, syntheticArticle, tempDir } from "../helpers/ingest-helpers.js";

let corpusDir = "";
let indexDir = "";
let cleanup: () => Promise<void> = async () => {};

beforeEach(async () => {
  const tmp = await tempDir("store-build");
  cleanup = tmp.cleanup;
  corpusDir = path.join(tmp.dir, "corpus");
  indexDir = path.join(tmp.dir, "index");
  await mkdir(corpusDir);
  for (let n = 1; n <= 3; n++) await writeFile(path.join(corpusDir, `a${n}.txt`), syntheticArticle(n));
  await writeFile(path.join(corpusDir, "short-sections.md"), SHORT_SECTIONS);
});

/** Sections of one short sentence each: the same passages under any chunk size above ~40. */
const SHORT_SECTIONS = [
  "# 短小的章节",
  "## 一、量子退火",
  "量子退火算法可以用于物流调度。",
  "## 二、联邦学习",
  "联邦学习让医院之间无需交换病历。",
  "## 三、知识蒸馏",
  "知识蒸馏把大模型的能力迁移到小模型。",
].join("\n\n");
afterEach(() => cleanup());

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

/** A second embedder with another identity (the builtin vectors, scaled differently). */
class OtherEmbeddings implements IndexEmbeddings {
  readonly id = "test:other-embedder";
  private readonly inner = new BuiltinEmbeddings(sharedTokenizer());
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.inner.embedDocuments(texts)).map((v) => v.slice(0, 64));
  }
  async embedQuery(text: string): Promise<number[]> {
    return (await this.inner.embedQuery(text)).slice(0, 64);
  }
}

describe("index builds", () => {
  it("writes a complete build directory and points CURRENT at it", async () => {
    const summary = await runIngest(corpusDir, indexDir);
    const dirs = layout(indexDir);
    expect((await readFile(dirs.current, "utf8")).trim()).toBe(summary.buildId);
    const files = buildFiles(dirs.build(summary.buildId));
    for (const f of [files.manifest, files.passages, files.bm25, files.dense, files.bridge, files.files])
      expect(existsSync(f), f).toBe(true);
    // The per-file records are in files/: manifest.json stays small, whatever the corpus.
    expect(JSON.parse(await readFile(files.manifest, "utf8"))).not.toHaveProperty("files");
    const manifest = await readManifest(indexDir, summary.buildId);
    expect(manifest.buildId).toBe(summary.buildId);
    expect(manifest.embedder).toEqual({ id: new BuiltinEmbeddings(sharedTokenizer()).id, dimension: 512 });
    expect(manifest.chunking).toEqual({ size: 400, overlap: 80 });
    // HNSW's ef is a search-time setting: changing it must not make a build out of date.
    expect(manifest).not.toHaveProperty("ef");
    expect([...manifest.files.sources()].sort()).toEqual(["a1.txt", "a2.txt", "a3.txt", "short-sections.md"]);
    expect(existsSync(dirs.lock)).toBe(false);
    expect((await readdir(dirs.builds)).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("keeps only the current and the previous build, and clears leftovers of crashed ingests", async () => {
    const ids: string[] = [];
    for (let run = 0; run < 4; run++) {
      await writeFile(path.join(corpusDir, `extra-${run}.txt`), syntheticArticle(100 + run));
      if (run === 2) {
        await mkdir(path.join(layout(indexDir).builds, ".tmp-crashed"), { recursive: true });
        await writeFile(`${layout(indexDir).current}.tmp-99999`, "x");
      }
      ids.push((await runIngest(corpusDir, indexDir)).buildId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect((await readdir(layout(indexDir).builds)).sort()).toEqual(ids.slice(-2).sort());
    expect((await readdir(indexDir)).filter((n) => n.startsWith("CURRENT."))).toEqual([]);
    expect(await readCurrentBuildId(indexDir)).toBe(ids.at(-1));
  });

  it("stores passages, lexical postings and vectors that agree with one another", async () => {
    const summary = await runIngest(corpusDir, indexDir);
    const index = await loadIndex(indexDir, summary.buildId, { ef: 64 });
    expect(index.chunks).toHaveLength(summary.chunks.total);
    expect(index.lexical.size).toBe(index.chunks.length);
    expect(index.dense?.count).toBe(index.chunks.length);
    const target = index.chunks.findIndex((c) => c.text.includes("联邦学习"));
    const tokenizer = sharedTokenizer();
    expect(target).toBeGreaterThanOrEqual(0);
    expect(index.lexical.search(tokenizer.terms("医院之间的联邦学习"), 1)[0]?.id).toBe(
      index.chunks[target]?.id,
    );
    const embedder = new BuiltinEmbeddings(tokenizer);
    const [hit] =
      index.dense?.search(await embedder.embedQuery(embeddingText(index.chunks[target]!)), 1) ?? [];
    expect(hit?.id).toBe(index.chunks[target]?.id);
    expect(summariseIndex(index).sources.map((s) => [s.source, s.passages])).toEqual(
      ["a1.txt", "a2.txt", "a3.txt", "short-sections.md"].map((s) => [
        s,
        index.chunks.filter((c) => c.source === s).length,
      ]),
    );
  });

  it("forces a full rebuild when the embedder changes", async () => {
    await runIngest(corpusDir, indexDir);
    const summary = await runIngest(corpusDir, indexDir, { embeddings: new OtherEmbeddings() });
    expect(summary.rebuildReason).toMatch(/embedder changed/);
    expect(summary.chunks.embedded).toBe(summary.chunks.total);
    const manifest = await readManifest(indexDir, summary.buildId);
    expect(manifest.embedder).toEqual({ id: "test:other-embedder", dimension: 64 });
  });

  it("forces a full rebuild when the chunking settings change", async () => {
    await runIngest(corpusDir, indexDir);
    const counting = new CountingEmbeddings();
    const summary = await runIngest(corpusDir, indexDir, {
      embeddings: counting,
      chunking: { size: 150, overlap: 30 },
    });
    expect(summary.rebuildReason).toMatch(/chunking/);
    expect(summary.chunks.embedded).toBe(summary.chunks.total);
    expect(counting.texts).toHaveLength(summary.chunks.total);
    const index = await loadIndex(indexDir, summary.buildId, { ef: 64 });
    for (const c of index.chunks) expect(c.end - c.start).toBeLessThanOrEqual(150);
    // Settled again: the next run with the same settings reuses everything.
    const again = await runIngest(corpusDir, indexDir, { chunking: { size: 150, overlap: 30 } });
    expect(again.rebuildReason).toBeNull();
    expect(again.chunks.embedded).toBe(0);
  });

  it("refuses a second ingest on the same index while one is running", async () => {
    const results = await Promise.allSettled([
      runIngest(corpusDir, indexDir),
      runIngest(corpusDir, indexDir),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    const reason = rejected[0]?.reason as UserError | undefined;
    expect(reason).toBeInstanceOf(UserError);
    expect(reason?.code).toBe("ingest-locked");
    expect(reason?.message).toMatch(/another ingest .* is running/);
    expect(existsSync(layout(indexDir).lock)).toBe(false);
    // The lock is released: the next ingest runs.
    await runIngest(corpusDir, indexDir);
  });

  it("releases the lock when an ingest fails", async () => {
    const failing: IndexEmbeddings = {
      id: "test:failing",
      embedDocuments: async () => {
        throw new Error("embedder down");
      },
      embedQuery: async () => [1, 0, 0],
    };
    await expect(runIngest(corpusDir, indexDir, { embeddings: failing })).rejects.toThrow("embedder down");
    expect(existsSync(layout(indexDir).lock)).toBe(false);
    expect(await readCurrentBuildId(indexDir)).toBeNull();
  });
});

describe("IndexHandle", () => {
  const builtinId = new BuiltinEmbeddings(sharedTokenizer()).id;

  it("says to run ingest when there is no index", async () => {
    const err = await failure(new IndexHandle(indexDir, builtinId, { ef: 64 }).current());
    expect(err.code).toBe("index-missing");
    expect(err.message).toContain("npm run ingest");
  });

  it("loads the current build, and the new one after an ingest swaps it in", async () => {
    const first = await runIngest(corpusDir, indexDir);
    const handle = new IndexHandle(indexDir, builtinId, { ef: 64 });
    const loaded = await handle.current();
    expect(loaded.buildId).toBe(first.buildId);
    expect(await handle.current()).toBe(loaded);
    await writeFile(path.join(corpusDir, "a4.txt"), syntheticArticle(4));
    const second = await runIngest(corpusDir, indexDir);
    const reloaded = await handle.current();
    expect(reloaded.buildId).toBe(second.buildId);
    expect(reloaded.chunks.some((c) => c.source === "a4.txt")).toBe(true);
  });

  it("shares the searches of a build with helper threads, and ends them when a new build replaces it", async () => {
    await runIngest(corpusDir, indexDir);
    const handle = new IndexHandle(indexDir, builtinId, { ef: 64, threads: 2, splitFrom: 1 });
    const first = await handle.current();
    const dense = first.dense as ColumnDenseIndex;
    expect(await dense.whenSplit()).toBe(true);
    const vector = new Array<number>(dense.dimension).fill(0).map((_, d) => (d % 7 === 0 ? 1 : 0));
    expect(dense.search(vector, 3)).toHaveLength(3);
    expect(dense.splitSearches).toBe(1);
    await writeFile(path.join(corpusDir, "a5.txt"), syntheticArticle(5));
    await runIngest(corpusDir, indexDir);
    const second = await handle.current();
    expect(second).not.toBe(first);
    // The replaced build answers on, alone.
    expect(await dense.whenSplit()).toBe(false);
    expect(dense.search(vector, 3)).toHaveLength(3);
    expect(dense.splitSearches).toBe(1);
    expect(await (second.dense as ColumnDenseIndex).whenSplit()).toBe(true);
    await handle.close();
    expect(await (second.dense as ColumnDenseIndex).whenSplit()).toBe(false);
  });

  it("refuses an index built with another embedder, naming both", async () => {
    await runIngest(corpusDir, indexDir);
    const err = await failure(new IndexHandle(indexDir, "ollama:bge-m3", { ef: 64 }).current());
    expect(err.code).toBe("index-mismatch");
    expect(err.message).toContain(builtinId);
    expect(err.message).toContain("ollama:bge-m3");
    expect(err.message).toContain("npm run ingest");
  });
});
