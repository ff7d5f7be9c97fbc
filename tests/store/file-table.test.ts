/**
 * The manifest's per-file records as typed-array files: what is written is what is read, in the
 * same order, with absent fields still absent.
 */
import { describe, expect, it } from "vitest";
import type { FileEntry } from "../../src/store/build.js";
import { FileTable } from "../../src/store/file-table.js";
import { tempDir } from "../helpers/ingest-helpers.js";

async function roundTrip(table: FileTable): Promise<FileTable> {
  const { dir, cleanup } = await tempDir("file-table");
  try {
    await table.save(dir);
    return await FileTable.load(dir);
  } finally {
    await cleanup();
  }
}

const ENTRIES: Array<[string, FileEntry]> = [
  [
    "b/second.html",
    { sha256: "b".repeat(64), title: "第二篇", url: "https://example.com/2", passages: 3, removedBlocks: 7 },
  ],
  ["a/first.txt", { sha256: "a".repeat(64), title: "First", passages: 1, removedBlocks: 0 }],
  [
    "no-blocks-count.md",
    { sha256: "c".repeat(64), title: "", url: "https://例子.中国/路径?q=1", passages: 0 },
  ],
  [
    "constructor",
    { sha256: "d".repeat(64), title: "a file named like Object.prototype's", passages: 2, removedBlocks: 1 },
  ],
  ["中文/文件 😀.txt", { sha256: "e".repeat(64), title: "同名", passages: 4_000_000_000, removedBlocks: 0 }],
  ["z.txt", { sha256: "f".repeat(64), title: "同名", passages: 5 }],
];

describe("the manifest's file table", () => {
  it("reads back every entry in the order written, url and removedBlocks absent where they were", async () => {
    for (const table of [FileTable.from(ENTRIES), await roundTrip(FileTable.from(ENTRIES))]) {
      expect(table.count).toBe(ENTRIES.length);
      const read = [...table.entries()];
      expect(read).toEqual(ENTRIES);
      expect([...table.sources()]).toEqual(ENTRIES.map(([source]) => source));
      expect(read[1]?.[1]).not.toHaveProperty("url");
      expect(read[2]?.[1]).not.toHaveProperty("removedBlocks");
    }
  });

  it("reads back an empty corpus as no files", async () => {
    const table = await roundTrip(FileTable.from([]));
    expect(table.count).toBe(0);
    expect([...table.entries()]).toEqual([]);
    expect([...table.sources()]).toEqual([]);
  });

  it('takes a url of "" for none, as the manifest never recorded an empty one', () => {
    const table = FileTable.from([["a.txt", { sha256: "0".repeat(64), title: "t", url: "", passages: 1 }]]);
    expect([...table.entries()]).toEqual([["a.txt", { sha256: "0".repeat(64), title: "t", passages: 1 }]]);
  });
});
