import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/answer/prompt.js";
import type { FakeChatRequest } from "../fakes/ollama-server.js";
import { FakeOllama } from "../fakes/ollama-server.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

const fake = new FakeOllama({ models: ["qwen2.5:7b"] });
let t: TestApp;
let small: TestApp;

beforeAll(async () => {
  const { url } = await fake.start();
  t = await createTestApp({ CHAT_PROVIDER: "ollama", OLLAMA_HOST: url, OLLAMA_TIMEOUT_MS: "2000" });
  await t.app.ensureIndex();
  small = await createTestApp({
    CHAT_PROVIDER: "ollama",
    OLLAMA_HOST: url,
    OLLAMA_NUM_CTX: "2048",
    RETRIEVAL_K: "10",
    OLLAMA_TIMEOUT_MS: "2000",
  });
  await small.app.ensureIndex();
});
afterEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
  await t.cleanup();
  await small.cleanup();
});

/** The numbered source blocks of the prompt the fake received. */
function sourcesIn(request: FakeChatRequest): Map<number, string> {
  const user = request.messages.map((m) => m.content).join("\n");
  const found = new Map<number, string>();
  // <<<资料 n ID>>>, the title line, then the passage's first line.
  for (const m of user.matchAll(/^<<<(?:资料|SOURCE) (\d+) \w+>>>\n[^\n]*\n([^\n]+)/gm))
    found.set(Number(m[1]), m[2] ?? "");
  return found;
}

describe("answers through Ollama chat", () => {
  it("streams only verified sentences, keeps supported ones and removes the unsupported claim", async () => {
    let prompt: FakeChatRequest | undefined;
    fake.chatReply = (request) => {
      prompt = request;
      const sources = sourcesIn(request);
      const costSource = [...sources.entries()].find(([, text]) => text.includes("免费"))?.[0] ?? 1;
      return `开源大模型通常是免费的，成本较低[${costSource}]。闭源大模型使用成本更高[9]。`;
    };
    const progress: string[] = [];
    const r = await t.app.answerer.ask("开源和闭源大模型在成本上有什么区别？", {
      onProgress: (p) => progress.push(p),
    });
    expect(prompt?.options?.num_ctx).toBe(t.config.ollama.numCtx);
    expect(sourcesIn(prompt as FakeChatRequest).size).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // The sentence citing a source that does not exist is never on screen, not even while streaming.
    for (const p of progress) expect(p).not.toContain("闭源大模型使用成本更高");
    expect(r.refused).toBe(false);
    expect(r.answer).toBe("开源大模型通常是免费的，成本较低[1]。");
    expect(r.verification).toEqual({ kept: 1, removed: 1, reasons: { "no-such-source": 1 } });
    expect(r.notice).toBe("已删除模型回答中 1 句无法在引用文章中得到印证的内容。");
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0]?.text).toContain("免费");
    expect(r.providers.chat).toBe("ollama:qwen2.5:7b");
  });

  it("falls back to the extractive answer, saying so once, when the stream breaks", async () => {
    fake.chatReply = "开源大模型通常是免费的[1]。";
    fake.streamError = { afterTokens: 2, message: "llama runner process has terminated" };
    const r = await t.app.answerer.ask("开源和闭源大模型在成本上有什么区别？");
    expect(r.refused).toBe(false);
    // In the question's language only: the server's own words go to the log.
    expect(r.notice).toBe("答题模型暂时不可用（模型出错），以下是直接摘自文章的回答。");
    expect(r.providers.chat).toBe("extractive");
    expect(r.answer).toContain("**闭源**");
    expect(r.citations.length).toBeGreaterThan(0);
  });

  it("falls back with the not-pulled message when the chat model is missing", async () => {
    fake.models = ["bge-m3"];
    const r = await t.app.answerer.ask("What did the author say OpenAI turned into?");
    expect(r.notice).toBe(
      "The answer model is unavailable (the model is not installed in Ollama); this answer is quoted from the articles instead.",
    );
    expect(r.providers.chat).toBe("extractive");
    expect(r.answer).toContain("CloseAI");
  });

  it("does not call the model for a question the articles do not cover", async () => {
    const r = await t.app.answerer.ask("What is the capital of France?");
    expect(r.refused).toBe(true);
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("keeps the prompt within the context budget by dropping the lowest-ranked sources", async () => {
    let prompt: FakeChatRequest | undefined;
    fake.chatReply = (request) => {
      prompt = request;
      return "GPT-3拥有1750亿参数[1]。";
    };
    const r = await small.app.answerer.ask("GPT-3 有多少参数？");
    const sent = sourcesIn(prompt as FakeChatRequest);
    expect(sent.size).toBeGreaterThanOrEqual(1);
    expect(sent.size).toBeLessThan(small.config.retrieval.k);
    const tokens = (prompt?.messages ?? []).reduce((n, m) => n + estimateTokens(m.content), 0);
    expect(tokens).toBeLessThanOrEqual(2048 - 1024);
    expect(r.citations[0]?.text).toContain("1750亿");
  });
});
