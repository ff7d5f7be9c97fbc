import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OllamaChat } from "../../src/answer/ollama-chat.js";
import { OllamaEmbeddings } from "../../src/embed/ollama-embeddings.js";
import { type FetchLike, OllamaClient } from "../../src/ollama/client.js";
import { FakeOllama } from "../fakes/ollama-server.js";
import { createTestApp } from "../helpers/app.js";

const fake = new FakeOllama({ models: ["bge-m3", "qwen2.5:7b"], dimension: 16 });
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

/** A fetch that notes the path of every request it carries, then sends it on. */
function recordingFetch(): { fetch: FetchLike; paths: string[] } {
  const paths: string[] = [];
  const fetch: FetchLike = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    paths.push(new URL(url).pathname);
    return globalThis.fetch(input, init);
  };
  return { fetch, paths };
}

describe("one Ollama client shared by embeddings and chat", () => {
  it("carries the embedder's and the chat model's requests through its one fetch", async () => {
    const { fetch, paths } = recordingFetch();
    const client = new OllamaClient({ host, timeoutMs: 5000, fetch });
    const embeddings = new OllamaEmbeddings({ client, model: "bge-m3", batchSize: 8, concurrency: 1 });
    const chat = new OllamaChat({ client, model: "qwen2.5:7b", numCtx: 2048 });
    expect(embeddings.client).toBe(client);
    expect(chat.client).toBe(client);

    await embeddings.checkModel();
    await chat.checkModel();
    await embeddings.embedDocuments(["开源模型", "闭源模型"]);
    fake.chatReply = "开源[1]";
    expect(await chat.chat([{ role: "user", content: "开源还是闭源？" }])).toBe("开源[1]");

    const expected = ["/api/tags", "/api/tags", "/api/embed", "/api/chat"];
    expect(paths).toEqual(expected);
    expect(fake.requests.map((r) => r.path)).toEqual(expected);
  });

  it("cancels one chat without touching another running on the same client", async () => {
    const client = new OllamaClient({ host, timeoutMs: 5000 });
    const chat = new OllamaChat({ client, model: "qwen2.5:7b", numCtx: 2048 });
    fake.chatReply = "one two three four five";
    fake.tokenDelayMs = 30;
    const cancel = new AbortController();
    const cancelled = chat.chat([{ role: "user", content: "a" }], {
      signal: cancel.signal,
      onToken: () => cancel.abort(),
    });
    const kept = chat.chat([{ role: "user", content: "b" }]);
    await expect(cancelled).rejects.toMatchObject({ name: "AbortError" });
    await expect(kept).resolves.toBe("one two three four five");
  });

  it("is what the app gives both: with Ollama for embeddings and chat, every request goes through the app's fetch", async () => {
    const { fetch, paths } = recordingFetch();
    const t = await createTestApp(
      {
        EMBEDDING_PROVIDER: "ollama",
        CHAT_PROVIDER: "ollama",
        OLLAMA_HOST: host,
        OLLAMA_EMBED_MODEL: "bge-m3",
      },
      { fetch },
    );
    try {
      expect((t.app.embeddings as OllamaEmbeddings).client).toBeInstanceOf(OllamaClient);
      await t.app.ensureIndex();
      fake.chatReply = "开源模型可以本地部署[1]。";
      await t.app.answerer.ask("开源模型有什么优势？");
      expect(paths).toContain("/api/embed");
      expect(paths).toContain("/api/chat");
      expect(paths).toHaveLength(fake.requests.length);
    } finally {
      await t.cleanup();
    }
  });
});
