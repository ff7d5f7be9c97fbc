import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { type CheckedEmbeddings, embedChunks } from "../../src/ingest/embed.js";
import type { Chunk } from "../../src/types.js";
import { tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("embed-stage"));
});
afterEach(() => cleanup());

const chunk = (n: number): Chunk => ({
  id: `c${n}`,
  source: "a.txt",
  title: "标题",
  headingPath: [],
  ordinal: n,
  start: 0,
  end: 4,
  text: `第${n}段`,
});
const CHUNKS = [chunk(1), chunk(2), chunk(3)];

/** A three-dimensional embedder that records what was asked of it. */
function recordingEmbedder(dimensionOf: (text: string) => number = () => 3) {
  const calls: string[] = [];
  const embeddings: CheckedEmbeddings = {
    id: "test:three",
    checkModel: async () => {
      calls.push("checkModel");
    },
    embedQuery: async (text) => {
      calls.push("embedQuery");
      return Array.from({ length: dimensionOf(text) }, (_, i) => i + 1);
    },
    embedDocuments: async (texts) => {
      calls.push(`embedDocuments(${texts.length})`);
      return texts.map((t) => Array.from({ length: dimensionOf(t) }, (_, i) => i + t.length));
    },
  };
  return { embeddings, calls };
}

/** Vectors as the dense index receives them, by chunk position. */
let received = new Map<number, number[]>();

const options = (embeddings: CheckedEmbeddings, knownDimension = 0) => ({
  embeddings,
  cacheDir: path.join(dir, "cache"),
  knownDimension,
  reuseCache: true,
  batch: 2,
  denseBuilder: (dimension: number, count: number) => {
    received = new Map();
    return {
      dimension,
      count,
      put: (i: number, v: ArrayLike<number>) => {
        received.set(i, Array.from(v));
      },
      build: () => Promise.reject(new Error("not built in these tests")),
    };
  },
});

describe("embed stage", () => {
  it("checks the model before embedding anything, then embeds in batches", async () => {
    const { embeddings, calls } = recordingEmbedder();
    const result = await embedChunks(CHUNKS, options(embeddings));
    expect(calls).toEqual(["checkModel", "embedQuery", "embedDocuments(2)", "embedDocuments(1)"]);
    expect(result.dimension).toBe(3);
    expect(result.embedded).toBe(3);
    expect(result.dense.count).toBe(3);
    expect([...received.keys()].sort()).toEqual([0, 1, 2]);
  });

  it("needs no model at all when every vector is cached and the dimension is known", async () => {
    await embedChunks(CHUNKS, options(recordingEmbedder().embeddings));
    const { embeddings, calls } = recordingEmbedder();
    const first = new Map(received);
    const result = await embedChunks(CHUNKS, options(embeddings, 3));
    expect(calls).toEqual([]);
    expect(result.embedded).toBe(0);
    // Every position gets its vector from the cache file, as stored (float32).
    expect(received).toEqual(new Map([...first].map(([i, v]) => [i, v.map((x) => Math.fround(x))])));
  });

  it("reports a vector of the wrong size as a user error naming the embedder and both sizes", async () => {
    const { embeddings } = recordingEmbedder((text) => (text === "dimension" ? 3 : 5));
    const err = await embedChunks(CHUNKS, options(embeddings)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/test:three returned a vector of 5 dimensions, expected 3/);
  });
});
