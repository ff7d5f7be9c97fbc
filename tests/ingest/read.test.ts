import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { readCorpus } from "../../src/ingest/read.js";
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

  it("lists the corpus files with their sources", async () => {
    await writeFile(path.join(dir, "a.txt"), "正文");
    expect(await readCorpus(dir)).toEqual([{ path: path.join(dir, "a.txt"), source: "a.txt" }]);
  });
});
