/**
 * An unchanged corpus keeps its build: re-ingesting the same files under the same settings
 * reports what a rebuild would (every file unchanged, every passage reused, the same skipped
 * files) without rebuilding. Any change to a file the loader reads, a sidecar included, or
 * `--full`, writes a new build.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IngestSummary } from "../../src/ingest/pipeline.js";
import { loadIndex } from "../../src/store/load.js";
import { recordingLogger, runIngest, syntheticArticle, tempDir } from "../helpers/ingest-helpers.js";

let corpusDir = "";
let indexDir = "";
let cleanup: () => Promise<void> = async () => {};
const write = (name: string, text: string) => writeFile(path.join(corpusDir, name), text);

beforeAll(async () => {
  const tmp = await tempDir("reingest-unchanged");
  cleanup = tmp.cleanup;
  corpusDir = path.join(tmp.dir, "corpus");
  indexDir = path.join(tmp.dir, "index");
  await mkdir(path.join(corpusDir, "more"), { recursive: true });
  await write("article-1.txt", syntheticArticle(1));
  await write("more/article-2.md", syntheticArticle(2));
  await write("notes.pdf", "not an article");
});

afterAll(() => cleanup());

describe("re-ingest of an unchanged corpus", () => {
  let first: IngestSummary;

  it("keeps the current build and reports the same counts and skipped files", async () => {
    first = await runIngest(corpusDir, indexDir);
    const log = recordingLogger();
    const again = await runIngest(corpusDir, indexDir, { logger: log.logger });
    expect(again.buildId).toBe(first.buildId);
    expect(again.files).toEqual({ added: 0, changed: 0, unchanged: 2, removed: 0, skipped: 1 });
    expect(again.chunks).toEqual({ embedded: 0, reused: first.chunks.total, total: first.chunks.total });
    expect(again.skipped).toEqual(first.skipped);
    expect(log.warnings().some((w) => w.includes("notes.pdf"))).toBe(true);
    const index = await loadIndex(indexDir, again.buildId, { ef: 64 });
    expect(index.chunks).toHaveLength(first.chunks.total);
  });

  it("rebuilds when a sidecar changes, though no article's bytes do", async () => {
    await write("article-1.txt.meta.yaml", "title: 一个新标题\n");
    const summary = await runIngest(corpusDir, indexDir);
    expect(summary.buildId).not.toBe(first.buildId);
    const index = await loadIndex(indexDir, summary.buildId, { ef: 64 });
    expect(
      index.chunks.filter((c) => c.source === "article-1.txt").every((c) => c.title === "一个新标题"),
    ).toBe(true);
    first = summary;
  });

  it("keeps the build when only hidden files change: loading never reads them", async () => {
    await write(".notes.md", "# 草稿\n\n不应进入索引的笔记。\n");
    await mkdir(path.join(corpusDir, ".cache"));
    await write(".cache/state.txt", "anything");
    const again = await runIngest(corpusDir, indexDir);
    expect(again.buildId).toBe(first.buildId);
  });

  it("rebuilds when a file in a subdirectory changes or is added", async () => {
    await write("more/article-2.md", `${syntheticArticle(2)}\n\n补充的一段文字，讨论开源模型的社区。\n`);
    const changed = await runIngest(corpusDir, indexDir);
    expect(changed.buildId).not.toBe(first.buildId);
    expect(changed.files.changed).toBe(1);
    await write("more/article-3.txt", syntheticArticle(3));
    const added = await runIngest(corpusDir, indexDir);
    expect(added.buildId).not.toBe(changed.buildId);
    expect(added.files.added).toBe(1);
    first = added;
  });

  it("rebuilds with --full and when the chunking settings change", async () => {
    const full = await runIngest(corpusDir, indexDir, { full: true });
    expect(full.buildId).not.toBe(first.buildId);
    expect(full.chunks.embedded).toBe(full.chunks.total);
    const rechunked = await runIngest(corpusDir, indexDir, { chunking: { size: 300, overlap: 60 } });
    expect(rechunked.buildId).not.toBe(full.buildId);
    expect(rechunked.rebuildReason).toBe("chunking settings changed");
  });
});
