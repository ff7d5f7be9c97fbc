/**
 * The unchanged-build fingerprint hashes the loader's own file list: whatever loading reads
 * (sidecars included) changes it, hidden files (which loading never reads) do not.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listCorpusFiles, loadCorpus } from "../../src/corpus/load.js";
import { corpusFingerprint } from "../../src/ingest/fingerprint.js";
import { syntheticArticle, tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("fingerprint"));
  await writeFile(path.join(dir, "a.txt"), syntheticArticle(1));
  await writeFile(path.join(dir, "a.txt.meta.yaml"), "title: 原标题\n");
});
afterEach(() => cleanup());

const SETTINGS = { embedder: "builtin:test", chunking: { size: 400, overlap: 80 } };
const fingerprint = async (settings: unknown = SETTINGS) =>
  corpusFingerprint(await listCorpusFiles(dir), settings);

describe("corpus fingerprint", () => {
  it("is the same for the same files and settings", async () => {
    expect(await fingerprint()).toBe(await fingerprint());
  });

  it("changes when a sidecar changes, though no article's bytes do", async () => {
    const before = await fingerprint();
    await writeFile(path.join(dir, "a.txt.meta.yaml"), "title: 新标题\n");
    expect(await fingerprint()).not.toBe(before);
  });

  it("changes when an article is added, changed or removed, and when the settings change", async () => {
    const seen = new Set([await fingerprint()]);
    await writeFile(path.join(dir, "b.md"), `# 乙\n\n${syntheticArticle(2)}`);
    seen.add(await fingerprint());
    await writeFile(path.join(dir, "b.md"), `# 乙\n\n${syntheticArticle(3)}`);
    seen.add(await fingerprint());
    await rm(path.join(dir, "b.md"));
    seen.add(await fingerprint({ ...SETTINGS, chunking: { size: 300, overlap: 60 } }));
    expect(seen.size).toBe(4);
  });

  it("ignores hidden files and folders, which loading skips too", async () => {
    const before = await fingerprint();
    await writeFile(path.join(dir, ".draft.md"), `# 草稿\n\n${syntheticArticle(4)}`);
    await mkdir(path.join(dir, ".git"));
    await writeFile(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
    expect(await fingerprint()).toBe(before);
    const { articles, skipped } = await loadCorpus(dir);
    expect(articles.map((a) => a.source)).toEqual(["a.txt"]);
    expect(skipped).toEqual([]);
  });
});
