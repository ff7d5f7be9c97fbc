/**
 * Parsing, embedding and tokenising on worker threads must change nothing but the time: an
 * ingest with the workers forced on writes the same passages, vectors and postings as one without.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuiltinEmbeddings } from "../../src/embed/builtin.js";
import { inOrder, PassageWorkers } from "../../src/ingest/passage-workers.js";
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

/** What the pool was asked to do: texts embedded and texts tokenised on the workers. */
interface PoolUse {
  parsed: number;
  embedded: number;
  tokenised: number;
  /** Passages in the build… */
  passages: number;
  /** …and the article files it was read from. */
  files: number;
}

async function buildBytes(
  parallelFrom: number,
  name: string,
  use: PoolUse = { parsed: 0, embedded: 0, tokenised: 0, passages: 0, files: 0 },
): Promise<Map<string, Buffer>> {
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
    parseParallelFrom: parallelFrom,
    startWorkers: async (id) => {
      const pool = await PassageWorkers.start(id);
      if (!pool) return null;
      const run = pool.run.bind(pool);
      const parse = pool.parse.bind(pool);
      pool.parse = (source, bytes, sidecar) => {
        use.parsed++;
        return parse(source, bytes, sidecar);
      };
      pool.run = (embed, lexical) => {
        use.embedded += embed.length;
        use.tokenised += lexical.length;
        return run(embed, lexical);
      };
      return pool;
    },
  });
  use.passages = summary.chunks.total;
  use.files = summary.files.added + summary.files.changed + summary.files.unchanged;
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
    const use: PoolUse = { parsed: 0, embedded: 0, tokenised: 0, passages: 0, files: 0 };
    const parallel = await buildBytes(0, "parallel", use);
    // The pool did the work, every passage of it (it was once started and never handed any).
    expect(use.passages).toBeGreaterThan(0);
    expect(use.files).toBeGreaterThan(0);
    expect(use.parsed).toBe(use.files);
    expect(use.embedded).toBe(use.passages);
    expect(use.tokenised).toBe(use.passages);
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
