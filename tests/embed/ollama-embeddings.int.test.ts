import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OllamaEmbeddings } from "../../src/embed/ollama-embeddings.js";
import { UserError } from "../../src/errors.js";
import { type FetchLike, OllamaClient } from "../../src/ollama/client.js";
import { FakeOllama, fakeEmbedding } from "../fakes/ollama-server.js";

const DIM = 24;
const fake = new FakeOllama({ models: ["bge-m3", "qwen2.5:7b"], dimension: DIM });
let host = "";

beforeAll(async () => {
  host = (await fake.start()).url;
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

interface Settings {
  host?: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  model?: string;
  batchSize?: number;
  concurrency?: number;
  retries?: number;
  retryBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Embeddings over a client of their own, as the app builds them (client first, then the embedder). */
function embeddings({
  host: at = host,
  timeoutMs = 5000,
  fetch,
  ...options
}: Settings = {}): OllamaEmbeddings {
  const client = new OllamaClient({ host: at, timeoutMs, ...(fetch ? { fetch } : {}) });
  return new OllamaEmbeddings({ client, model: "bge-m3", batchSize: 32, concurrency: 2, ...options });
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

function expectVector(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [j, x] of actual.entries()) expect(x).toBeCloseTo(expected[j]!, 12);
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("OllamaEmbeddings against a fake Ollama", () => {
  it("sends many texts per request and returns vectors in input order", async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `第${i}段：开源模型 text number ${i}`);
    const vectors = await embeddings({ batchSize: 32 }).embedDocuments(texts);

    const calls = fake.requestsTo("/api/embed");
    expect(calls).toHaveLength(3);
    const sizes = calls.map((c) => (c.body as { input: string[] }).input.length).sort((a, b) => b - a);
    expect(sizes).toEqual([32, 32, 6]);
    for (const c of calls) expect(c.body).toMatchObject({ model: "bge-m3", truncate: true });

    expect(vectors).toHaveLength(70);
    for (const [i, v] of vectors.entries()) {
      expectVector(v, fakeEmbedding(texts[i]!, DIM));
    }
  });

  it("makes no request for no texts and embeds a query like a document", async () => {
    const e = embeddings();
    expect(await e.embedDocuments([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    const [doc] = await e.embedDocuments(["闭源模型"]);
    const query = await e.embedQuery("闭源模型");
    expect(query).toEqual(doc);
    expect(e.id).toBe("ollama:bge-m3");
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    fake.latencyMs = 80;
    const texts = Array.from({ length: 40 }, (_, i) => `passage ${i} 第${i}段`);
    const vectors = await embeddings({ batchSize: 4, concurrency: 3 }).embedDocuments(texts);
    expect(fake.requestsTo("/api/embed")).toHaveLength(10);
    expect(fake.maxInFlight).toBe(3);
    for (const [i, v] of vectors.entries()) expectVector(v, fakeEmbedding(texts[i]!, DIM));
  });

  it("L2-normalises vectors the server did not normalise", async () => {
    const e = embeddings({
      fetch: async () =>
        new Response(JSON.stringify({ model: "bge-m3", embeddings: [[3, 4]] }), {
          headers: { "content-type": "application/json" },
        }),
    });
    expect(await e.embedDocuments(["x"])).toEqual([[0.6, 0.8]]);
  });

  it("reports a model that is not pulled after exactly one request", async () => {
    const err = await failure(embeddings({ model: "nomic-embed-text" }).embedDocuments(["a", "b"]));
    expect(err.code).toBe("ollama-model-missing");
    expect(err.message).toBe(`model 'nomic-embed-text' is not pulled: run "ollama pull nomic-embed-text"`);
    expect(fake.requests).toHaveLength(1);
  });

  it("stops starting batches after a failure", async () => {
    fake.failNext(404, 1, "boom");
    const texts = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const err = await failure(embeddings({ batchSize: 5, concurrency: 1 }).embedDocuments(texts));
    expect(err.code).toBe("ollama-model-missing");
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a document batch on a 5xx with growing, jittered backoff, then succeeds", async () => {
    fake.failNext(503, 2);
    const waits: number[] = [];
    const e = embeddings({
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      retryBaseMs: 100,
    });
    const vectors = await e.embedDocuments(["a", "b"]);
    expect(vectors).toHaveLength(2);
    expect(fake.requestsTo("/api/embed")).toHaveLength(3);
    // base * 2^attempt plus half of that again (random() = 0.5).
    expect(waits).toEqual([150, 300]);
  });

  it("retries a connection that failed, and gives up after the set number of retries", async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1)
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
        });
      return fetch(input, init);
    };
    const ok = await embeddings({ fetch: flaky, sleep: async () => {} }).embedDocuments(["a"]);
    expect(ok).toHaveLength(1);
    expect(calls).toBe(2);

    fake.reset();
    fake.failNext(500, 10, "boom");
    const err = await failure(embeddings({ retries: 2, sleep: async () => {} }).embedDocuments(["a"]));
    expect(err.message).toBe("Ollama failed: boom");
    expect(fake.requestsTo("/api/embed")).toHaveLength(3);
  });

  it("never retries a 4xx, nor a question's embedding", async () => {
    fake.failNext(400, 1, "bad request");
    await failure(embeddings({ sleep: async () => {} }).embedDocuments(["a"]));
    expect(fake.requestsTo("/api/embed")).toHaveLength(1);
    fake.failNext(500, 1);
    await failure(embeddings({ sleep: async () => {} }).embedQuery("q"));
    expect(fake.requestsTo("/api/embed")).toHaveLength(2);
  });

  it("keeps the server's message on a 500", async () => {
    fake.failNext(500, 1, "llama runner process has terminated: exit status 2");
    const err = await failure(embeddings().embedQuery("x"));
    expect(err.code).toBe("ollama-failed");
    expect(err.message).toBe("Ollama failed: llama runner process has terminated: exit status 2");
    expect(fake.requests).toHaveLength(1);
  });

  it("times out on a server that never answers", async () => {
    fake.hang = true;
    const started = performance.now();
    const err = await failure(embeddings({ timeoutMs: 300 }).embedQuery("x"));
    expect(err.code).toBe("ollama-timeout");
    expect(err.message).toBe(`Ollama did not answer within 0.3 s (${host})`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("times out even with an injected fetch that ignores its abort signal", async () => {
    const err = await failure(
      embeddings({ timeoutMs: 200, fetch: () => new Promise<Response>(() => {}) }).embedQuery("x"),
    );
    expect(err.code).toBe("ollama-timeout");
  });

  it("says how to start Ollama when nothing listens", async () => {
    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    const err = await failure(embeddings({ host: unreachable }).embedQuery("x"));
    expect(err.code).toBe("ollama-unreachable");
    expect(err.message).toBe(`cannot reach Ollama at ${unreachable}: is "ollama serve" running?`);
  });

  it("rejects a reply with the wrong number of vectors", async () => {
    const e = embeddings({
      fetch: async () =>
        new Response(JSON.stringify({ embeddings: [[1, 0]] }), {
          headers: { "content-type": "application/json" },
        }),
    });
    const err = await failure(e.embedDocuments(["a", "b"]));
    expect(err.code).toBe("ollama-failed");
    expect(err.message).toContain("asked for 2 embeddings, got 1");
  });

  describe("checkModel", () => {
    it("accepts a model listed with its :latest tag", async () => {
      await expect(embeddings({ model: "bge-m3" }).checkModel()).resolves.toBeUndefined();
      await expect(embeddings({ model: "BGE-M3:latest" }).checkModel()).resolves.toBeUndefined();
      expect(fake.requestsTo("/api/tags")).toHaveLength(2);
    });

    it("throws the not-pulled error for a model that is absent", async () => {
      const err = await failure(embeddings({ model: "qwen2.5:14b" }).checkModel());
      expect(err.code).toBe("ollama-model-missing");
      expect(err.message).toBe(`model 'qwen2.5:14b' is not pulled: run "ollama pull qwen2.5:14b"`);
    });
  });
});
