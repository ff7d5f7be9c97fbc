/**
 * The bot's warm-up before it connects: it loads the index and the dictionaries the first
 * question would wait for, never calls a model server, and leaves a missing index to be
 * explained by the question that meets it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeOllama } from "./fakes/ollama-server.js";
import { createTestApp, type TestApp } from "./helpers/app.js";

const fake = new FakeOllama({ models: ["qwen2.5:7b", "bge-m3"], dimension: 32 });
let url = "";
const apps: TestApp[] = [];

beforeAll(async () => {
  url = (await fake.start()).url;
});
afterEach(() => fake.reset());
afterAll(async () => {
  for (const t of apps) await t.cleanup();
  await fake.close();
});

describe("warmUp", () => {
  it("resolves without an index, and a question then still says there is none", async () => {
    const t = await createTestApp();
    apps.push(t);
    await t.app.warmUp();
    await expect(t.app.answerer.ask("开源模型的成本")).rejects.toThrow(/no index/);
  });

  it("never calls the model server, even with Ollama embeddings and chat configured", async () => {
    const t = await createTestApp(
      { EMBEDDING_PROVIDER: "ollama", CHAT_PROVIDER: "ollama", OLLAMA_HOST: url },
      { fetch: globalThis.fetch },
    );
    apps.push(t);
    await t.app.ensureIndex();
    fake.reset();
    await t.app.warmUp();
    expect(fake.requests).toEqual([]);
  });
});
