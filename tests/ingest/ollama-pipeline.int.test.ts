import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import { FakeOllama } from "../fakes/ollama-server.js";
import { REPO } from "../helpers/app.js";

const fake = new FakeOllama({ models: ["bge-m3"], dimension: 96 });
let dir: string;
let url: string;

beforeAll(async () => {
  ({ url } = await fake.start());
  dir = await mkdtemp(path.join(tmpdir(), "llm-bot-ollama-"));
  await cp(path.join(REPO, "corpus"), path.join(dir, "corpus"), { recursive: true });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const appWith = (env: Record<string, string> = {}) =>
  createApp(
    loadConfig({
      cwd: dir,
      env: {
        EMBEDDING_PROVIDER: "ollama",
        OLLAMA_HOST: url,
        OLLAMA_EMBED_BATCH: "32",
        LOG_LEVEL: "silent",
        ...env,
      },
    }),
    { logger: silentLogger },
  );

// Each ingest here starts its own ingest process (src/ingest/worker.ts), which loads the pipeline
// afresh; on a busy two-core machine a test of two or three ingests can outlast the default 30 s.
const INGESTS = { timeout: 120_000 };

describe("the pipeline with Ollama embeddings", INGESTS, () => {
  it("embeds many passages per request, then nothing on an unchanged re-ingest", async () => {
    const app = await appWith();
    const first = await app.ensureIndex();
    expect(first?.chunks.embedded).toBeGreaterThan(64);
    const embedCalls = fake.requestsTo("/api/embed");
    const inputs = embedCalls.map((r) => (r.body as { input: string[] | string }).input);
    const texts = inputs.reduce((n, input) => n + (Array.isArray(input) ? input.length : 1), 0);
    // One probe for the dimension, then batches of at most 32.
    expect(texts).toBe((first?.chunks.embedded ?? 0) + 1);
    expect(embedCalls.length).toBeLessThanOrEqual(Math.ceil((first?.chunks.embedded ?? 0) / 32) + 1);
    for (const input of inputs) if (Array.isArray(input)) expect(input.length).toBeLessThanOrEqual(32);

    fake.reset();
    const summary = await app.reindex();
    expect(summary).toMatch(/0 embedded/);
    expect(fake.requestsTo("/api/embed")).toHaveLength(0);
  });

  it("re-embeds only the changed article", async () => {
    const file = path.join(dir, "corpus", "open-vs-closed-llm-full-comparison.txt");
    const original = await readFile(file, "utf8");
    await writeFile(
      file,
      `${original}\n\n六、补充\n\n开源大模型的社区文档通常由志愿者维护，更新频率不一。\n`,
    );
    try {
      const app = await appWith();
      const line = await app.reindex();
      const embedded = Number(/(\d+) embedded/.exec(line)?.[1]);
      expect(line).toMatch(/1 changed, 4 unchanged/);
      expect(embedded).toBeGreaterThan(0);
      expect(embedded).toBeLessThan(5);
    } finally {
      await writeFile(file, original);
    }
  });

  it("answers a question with the query embedded by Ollama", async () => {
    const app = await appWith();
    const r = await app.answerer.ask("BERT 有什么特点？");
    expect(r.refused).toBe(false);
    expect(r.providers.embeddings).toBe("ollama:bge-m3");
    expect(r.answer).toContain("双向");
    expect(fake.requestsTo("/api/embed").length).toBeGreaterThan(0);
  });

  it("refuses to mix embedders: an index built with Ollama is not queried with the builtin one", async () => {
    const app = await appWith({ EMBEDDING_PROVIDER: "builtin" });
    await expect(app.answerer.ask("BERT 有什么特点？")).rejects.toThrow(
      /built with ollama:bge-m3.*npm run ingest/,
    );
  });

  it("names the fix when the embedding model is not pulled", async () => {
    fake.models = [];
    const app = await appWith({ INDEX_DIR: path.join(dir, "other-index") });
    await expect(app.ensureIndex()).rejects.toThrow(`model 'bge-m3' is not pulled: run "ollama pull bge-m3"`);
  });

  it("re-embeds everything at the new size when the model changed size under the same name", async () => {
    const indexDir = path.join(dir, "resize-index");
    await (await appWith({ INDEX_DIR: indexDir })).ensureIndex();
    const file = path.join(dir, "corpus", "open-vs-closed-llm-full-comparison.txt");
    const original = await readFile(file, "utf8");
    await writeFile(file, `${original}\n\n六、补充\n\n开源大模型的社区文档通常由志愿者维护。\n`);
    try {
      fake.dimension = 48;
      const app = await appWith({ INDEX_DIR: indexDir });
      const line = await app.reindex();
      const embedded = Number(/(\d+) embedded/.exec(line)?.[1]);
      // Every passage, not only the changed article's: old vectors cannot be mixed with new ones.
      expect(embedded).toBeGreaterThan(20);
      const r = await app.answerer.ask("BERT 有什么特点？");
      expect(r.providers.embeddings).toBe("ollama:bge-m3");
      expect(r.notice).toBeUndefined();
    } finally {
      await writeFile(file, original);
    }
  });
});

describe("the embedding model's identity", INGESTS, () => {
  it("records the model and its digest, and rebuilds everything when the model is pulled again under the same name", async () => {
    const indexDir = path.join(dir, "index-digest");
    const app = await appWith({ INDEX_DIR: indexDir });
    const first = await app.ingest();
    expect(first.chunks.embedded).toBeGreaterThan(0);
    const manifest = JSON.parse(
      await readFile(path.join(indexDir, "builds", first.buildId, "manifest.json"), "utf8"),
    ) as { embedder: { model?: string; digest?: string } };
    expect(manifest.embedder.model).toBe("bge-m3:latest");
    expect(manifest.embedder.digest).toMatch(/^[0-9a-f]{16,}$/);

    expect((await app.ingest()).chunks.embedded).toBe(0);
    fake.digests.set("bge-m3", "feedface".repeat(8));
    const again = await app.ingest();
    expect(again.rebuildReason).toMatch(/pulled again under the same name/);
    expect(again.chunks.embedded).toBe(first.chunks.total);
    fake.digests.clear();
  });

  it("names a configured model that is not pulled, for the log and /help", async () => {
    const app = await appWith({ CHAT_PROVIDER: "ollama", OLLAMA_CHAT_MODEL: "qwen2.5:7b" });
    const problems = await app.checkModels();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("qwen2.5:7b");
  });
});
