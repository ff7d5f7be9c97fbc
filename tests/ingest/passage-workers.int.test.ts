/**
 * Embedding and tokenising on worker threads must change nothing but the time: an ingest with
 * the workers forced on writes the same passages, vectors and postings as one without.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuiltinEmbeddings } from "../../src/embed/builtin.js";
import { inOrder } from "../../src/ingest/passage-workers.js";
import { ingest } from "../../src/ingest/pipeline.js";
import { buildFiles, layout } from "../../src/store/build.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import { CORPUS, recordingLogger, tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("passage-workers"));
});
afterEach(() => cleanup());

async function buildBytes(parallelFrom: number, name: string): Promise<Map<string, Buffer>> {
  const tokenizer = sharedTokenizer();
  const log = recordingLogger();
  const indexDir = path.join(dir, name);
  const summary = await ingest({
    corpusDir: CORPUS,
    indexDir,
    chunking: { size: 400, overlap: 80 },
    embeddings: new BuiltinEmbeddings(tokenizer),
    tokenizer,
    logger: log.logger,
    embedBatch: 16,
    parallelFrom,
  });
  // The workers started (they say so when they cannot, and the work then stays on this thread).
  expect(log.warnings()).toEqual([]);
  const files = buildFiles(layout(indexDir).build(summary.buildId));
  const out = new Map<string, Buffer>();
  for (const sub of [files.passages, files.bm25, files.dense])
    for (const f of await readdir(sub))
      out.set(`${path.basename(sub)}/${f}`, await readFile(path.join(sub, f)));
  return out;
}

describe("ingest on worker threads", () => {
  it("writes byte-for-byte the same passages, postings and vectors as one thread", {
    timeout: 60_000,
  }, async () => {
    const single = await buildBytes(Number.POSITIVE_INFINITY, "single");
    const parallel = await buildBytes(0, "parallel");
    expect([...parallel.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [name, bytes] of single) expect(parallel.get(name)?.equals(bytes), name).toBe(true);
  });
});

describe("inOrder", () => {
  it("hands results over in item order whatever order they finish in, with bounded parallelism", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await inOrder(
      [5, 1, 4, 2, 3],
      2,
      async (ms) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, ms * 5));
        running--;
        return ms * 10;
      },
      (result, item) => {
        expect(result).toBe(item * 10);
        seen.push(item);
      },
    );
    expect(seen).toEqual([5, 1, 4, 2, 3]);
    expect(most).toBe(2);
  });

  it("rejects with the first failure in item order", async () => {
    const err = await inOrder(
      [1, 2],
      2,
      async (x) => {
        if (x === 2) throw new Error("two");
        return x;
      },
      () => {},
    ).catch((e: Error) => e.message);
    expect(err).toBe("two");
  });
});
