/**
 * The unchanged-build fingerprint hashes the loader's own file list: whatever loading reads
 * (sidecars included) changes it, hidden files (which loading never reads) do not.
 */
import { mkdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listCorpusFiles, loadCorpus } from "../../src/corpus/load.js";
import { corpusFingerprint, fingerprintCorpus } from "../../src/ingest/fingerprint.js";
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

describe("the stat pre-check", () => {
  const anHourAgo = new Date(Date.now() - 3600_000);
  /** Same length, other bytes: only a hash can tell. */
  const sameSizeEdit = async (when: Date | null) => {
    await writeFile(path.join(dir, "a.txt.meta.yaml"), "title: 改标题\n");
    if (when) await utimes(path.join(dir, "a.txt.meta.yaml"), when, when);
  };

  it("trusts the recorded hash of a file whose size and mtime have not moved, and re-reads one whose have", async () => {
    for (const f of ["a.txt", "a.txt.meta.yaml"]) await utimes(path.join(dir, f), anHourAgo, anHourAgo);
    const files = await listCorpusFiles(dir);
    const first = await fingerprintCorpus(files, SETTINGS, null);
    expect(first.fingerprint).toBe(await corpusFingerprint(files, SETTINGS));
    expect(Object.keys(first.stamps.files).sort()).toEqual(["a.txt", "a.txt.meta.yaml"]);

    // Size and mtime as recorded: the stamp is trusted and the file not read (so the edit is not seen).
    await sameSizeEdit(anHourAgo);
    expect((await fingerprintCorpus(files, SETTINGS, first.stamps)).fingerprint).toBe(first.fingerprint);
    // The mtime moved: the file is hashed again and the change is seen.
    await sameSizeEdit(new Date(anHourAgo.getTime() + 1000));
    const moved = await fingerprintCorpus(files, SETTINGS, first.stamps);
    expect(moved.fingerprint).not.toBe(first.fingerprint);
    expect(moved.fingerprint).toBe(await corpusFingerprint(files, SETTINGS));
  });

  it("hashes again a file modified just before its stamp was taken (racy), whatever its stat says", async () => {
    const justNow = new Date(Date.now() - 500);
    await utimes(path.join(dir, "a.txt.meta.yaml"), justNow, justNow);
    const files = await listCorpusFiles(dir);
    const first = await fingerprintCorpus(files, SETTINGS, null);
    // Size and mtime exactly as stamped, but the stamp was taken within the racy window.
    await sameSizeEdit(justNow);
    expect((await fingerprintCorpus(files, SETTINGS, first.stamps)).fingerprint).toBe(
      await corpusFingerprint(files, SETTINGS),
    );
    expect(await corpusFingerprint(files, SETTINGS)).not.toBe(first.fingerprint);
  });
});
