import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { CorpusUnusableError, readCorpus, refuseUnusableCorpus } from "../../src/ingest/read.js";
import { tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("read-stage"));
});
afterEach(() => cleanup());

describe("read stage", () => {
  it("reports a missing corpus folder as a user error naming it and the setting", async () => {
    const missing = path.join(dir, "no-such-corpus");
    const err = await readCorpus(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(missing);
    expect((err as UserError).message).toContain("CORPUS_DIR");
  });

  it("reports a file given as the corpus folder the same way", async () => {
    const file = path.join(dir, "a.txt");
    await writeFile(file, "正文");
    await expect(readCorpus(file)).rejects.toBeInstanceOf(UserError);
  });

  it("refuses an empty corpus folder, unless an empty index is asked for", async () => {
    const err = await readCorpus(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorpusUnusableError);
    expect((err as CorpusUnusableError).reason).toBe("empty");
    expect((err as CorpusUnusableError).message).toContain(`${dir} has no files`);
    expect((err as CorpusUnusableError).message).toContain("--allow-empty");
    expect(await readCorpus(dir, { allowEmpty: true })).toEqual([]);
  });

  it("refuses a corpus of which no file became an article, unless an empty index is asked for", () => {
    expect(() => refuseUnusableCorpus(dir, 0, 2, {})).toThrow(
      /has no article that can be indexed \(2 files skipped/,
    );
    expect(() => refuseUnusableCorpus(dir, 0, 2, { allowEmpty: true })).not.toThrow();
    expect(() => refuseUnusableCorpus(dir, 1, 2, {})).not.toThrow();
  });

  it("lists the corpus files with their sources", async () => {
    await writeFile(path.join(dir, "a.txt"), "正文");
    expect(await readCorpus(dir)).toEqual([{ path: path.join(dir, "a.txt"), source: "a.txt" }]);
  });
});
