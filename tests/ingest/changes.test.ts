/** Files compared by content hash against the previous build's file table. */
import { describe, expect, it } from "vitest";
import { compareFiles } from "../../src/ingest/changes.js";
import { FORMAT_VERSION, type Manifest, PIPELINE_VERSION } from "../../src/store/build.js";
import { FileTable } from "../../src/store/file-table.js";
import type { Article } from "../../src/types.js";

const article = (source: string, sha256: string): Article => ({
  source,
  sha256,
  format: "text",
  meta: { title: source },
  body: "",
});

const previous = (files: Array<[string, string]>): Manifest => ({
  formatVersion: FORMAT_VERSION,
  buildId: "b",
  builtAt: "2026-01-01T00:00:00.000Z",
  embedder: { id: "e", dimension: 3 },
  chunking: { size: 400, overlap: 80 },
  pipelineVersion: PIPELINE_VERSION,
  files: FileTable.from(files.map(([source, sha256]) => [source, { sha256, title: source, passages: 1 }])),
  chunkCount: files.length,
});

describe("compareFiles", () => {
  it("counts added, changed, unchanged and removed files by content hash", () => {
    const before = previous([
      ["same.txt", "1"],
      ["edited.txt", "2"],
      ["gone.txt", "3"],
    ]);
    const now = [article("same.txt", "1"), article("edited.txt", "2b"), article("new.txt", "4")];
    expect(compareFiles(now, 2, before)).toEqual({
      added: 1,
      changed: 1,
      unchanged: 1,
      removed: 1,
      skipped: 2,
    });
  });

  it("counts every file as added when there is no previous build", () => {
    expect(compareFiles([article("a.txt", "1")], 0, null)).toEqual({
      added: 1,
      changed: 0,
      unchanged: 0,
      removed: 0,
      skipped: 0,
    });
  });

  it("takes files named like Object.prototype's properties for new files, not changed ones", () => {
    const now = [article("constructor", "1"), article("__proto__", "2"), article("toString", "3")];
    expect(compareFiles(now, 0, previous([]))).toEqual({
      added: 3,
      changed: 0,
      unchanged: 0,
      removed: 0,
      skipped: 0,
    });
  });
});
