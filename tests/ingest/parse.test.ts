import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listCorpusFiles } from "../../src/corpus/load.js";
import { READERS } from "../../src/corpus/readers.js";
import { textReader } from "../../src/corpus/text-reader.js";
import { parseCorpus } from "../../src/ingest/parse.js";
import { recordingLogger, syntheticArticle, tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("parse-stage"));
  await writeFile(path.join(dir, "a.txt"), syntheticArticle(1));
  await writeFile(path.join(dir, "b.rst"), syntheticArticle(2));
});
afterEach(() => cleanup());

describe("parse stage", () => {
  it("skips a file of an unknown extension with a warning naming the file", async () => {
    const log = recordingLogger();
    const { articles, skipped } = await parseCorpus(await listCorpusFiles(dir), READERS, log.logger);
    expect(articles.map((a) => a.source)).toEqual(["a.txt"]);
    expect(skipped.map((s) => s.source)).toEqual(["b.rst"]);
    expect(log.warnings()).toEqual([expect.stringMatching(/^skipped b\.rst: unsupported file type/)]);
  });

  it("reads the extension once a reader is registered for it", async () => {
    const log = recordingLogger();
    const readers = { ...READERS, ".rst": textReader("text") };
    const { articles } = await parseCorpus(await listCorpusFiles(dir), readers, log.logger);
    expect(articles.map((a) => a.source)).toEqual(["a.txt", "b.rst"]);
    expect(log.warnings()).toEqual([]);
  });
});
