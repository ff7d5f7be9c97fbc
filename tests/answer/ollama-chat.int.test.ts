import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChatMessage, OllamaChat } from "../../src/answer/ollama-chat.js";
import { buildAnswerPrompt, estimateTokens, type PromptSource } from "../../src/answer/prompt.js";
import { UserError } from "../../src/errors.js";
import { type FetchLike, OllamaClient } from "../../src/ollama/client.js";
import { type FakeChatRequest, FakeOllama } from "../fakes/ollama-server.js";

const fake = new FakeOllama({ models: ["bge-m3", "qwen2.5:7b"] });
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
  timeoutMs?: number;
  fetch?: FetchLike;
  model?: string;
  numCtx?: number;
}

/** A chat model over a client of its own, as the app builds them (client first, then the model). */
function chatModel({ timeoutMs = 5000, fetch, ...options }: Settings = {}): OllamaChat {
  const client = new OllamaClient({ host, timeoutMs, ...(fetch ? { fetch } : {}) });
  return new OllamaChat({ client, model: "qwen2.5:7b", numCtx: 4096, ...options });
}

const question: ChatMessage[] = [{ role: "user", content: "开源模型有什么优势？" }];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

async function userFailure(promise: Promise<unknown>): Promise<UserError> {
  const err = await failure(promise);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe("OllamaChat against a fake Ollama", () => {
  it("streams deltas to onToken in order and returns the whole text", async () => {
    const reply = "开源模型可以本地部署[1]，而 closed models are served by API[2]。";
    fake.chatReply = reply;
    const deltas: string[] = [];
    const text = await chatModel().chat(question, { onToken: (d) => deltas.push(d) });

    expect(text).toBe(reply);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("")).toBe(reply);
    expect(deltas[0]).toBe("开");

    const [call] = fake.requestsTo("/api/chat");
    expect(call?.body).toMatchObject({
      model: "qwen2.5:7b",
      stream: true,
      messages: question,
      options: { num_ctx: 4096, temperature: 0.3 },
    });
  });

  it("delivers tokens as they arrive, not only at the end", async () => {
    fake.chatReply = "one two three four";
    fake.tokenDelayMs = 40;
    const arrivals: number[] = [];
    await chatModel().chat(question, { onToken: () => arrivals.push(performance.now()) });
    expect(arrivals).toHaveLength(4);
    // Four deltas 40 ms apart cannot all land in the same instant if they are streamed.
    expect(arrivals[3]! - arrivals[0]!).toBeGreaterThan(60);
  });

  it("turns an error line mid-stream into ollama-failed with the server's message", async () => {
    fake.chatReply = "开源模型的优势在于透明";
    fake.streamError = {
      afterTokens: 3,
      message: "an error was encountered while running the model: CUDA error",
    };
    const deltas: string[] = [];
    const err = await userFailure(chatModel().chat(question, { onToken: (d) => deltas.push(d) }));
    expect(err.code).toBe("ollama-failed");
    expect(err.message).toBe("Ollama failed: an error was encountered while running the model: CUDA error");
    expect(deltas).toEqual(["开", "源", "模"]);
  });

  it("reports a chat model that is not pulled, without retrying", async () => {
    const err = await userFailure(chatModel({ model: "qwen2.5:72b" }).chat(question));
    expect(err.code).toBe("ollama-model-missing");
    expect(err.message).toBe(`model 'qwen2.5:72b' is not pulled: run "ollama pull qwen2.5:72b"`);
    expect(fake.requests).toHaveLength(1);
  });

  it("keeps the server's message on other HTTP errors", async () => {
    fake.failNext(503);
    const err = await userFailure(chatModel().chat(question));
    expect(err.code).toBe("ollama-failed");
    expect(err.message).toBe(
      "Ollama failed: server busy, please try again.  maximum pending requests exceeded",
    );
  });

  it("times out when the first token never comes", async () => {
    fake.hang = true;
    const started = performance.now();
    const err = await userFailure(chatModel({ timeoutMs: 300 }).chat(question));
    expect(err.code).toBe("ollama-timeout");
    expect(err.message).toBe(`Ollama did not answer within 0.3 s (${host})`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("times out when the stream stalls between tokens", async () => {
    fake.chatReply = "one two three four five";
    fake.hang = { afterTokens: 2 };
    const deltas: string[] = [];
    const err = await userFailure(
      chatModel({ timeoutMs: 300 }).chat(question, { onToken: (d) => deltas.push(d) }),
    );
    expect(err.code).toBe("ollama-timeout");
    expect(deltas).toEqual(["one", " two"]);
  });

  it("applies the timeout to gaps, not to the whole generation", async () => {
    // 16 deltas 100 ms apart take 1.6 s, twice the timeout; each gap is an eighth of it.
    const reply = "a b c d e f g h i j k l m n o p";
    fake.chatReply = reply;
    fake.tokenDelayMs = 100;
    const text = await chatModel({ timeoutMs: 800 }).chat(question);
    expect(text).toBe(reply);
  });

  it("stops when the caller aborts, with the caller's reason", async () => {
    fake.chatReply = "one two three four five six";
    fake.tokenDelayMs = 50;
    const controller = new AbortController();
    const deltas: string[] = [];
    const err = await failure(
      chatModel().chat(question, {
        signal: controller.signal,
        onToken: (d) => {
          deltas.push(d);
          if (deltas.length === 2) controller.abort();
        },
      }),
    );
    expect(err).not.toBeInstanceOf(UserError);
    expect((err as Error).name).toBe("AbortError");
    expect(deltas).toEqual(["one", " two"]);
  });

  it("rejects at once with an already-aborted signal, sending nothing", async () => {
    const err = await failure(chatModel().chat(question, { signal: AbortSignal.abort() }));
    expect((err as Error).name).toBe("AbortError");
    expect(fake.requests).toHaveLength(0);
  });

  it("rethrows what onToken throws", async () => {
    const boom = new Error("render failed");
    const err = await failure(
      chatModel().chat(question, {
        onToken: () => {
          throw boom;
        },
      }),
    );
    expect(err).toBe(boom);
  });

  it("reports a connection lost mid-answer as ollama-failed", async () => {
    const line = `${JSON.stringify({ model: "m", message: { role: "assistant", content: "hi" }, done: false })}\n`;
    let pulls = 0;
    const fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulls++ === 0) controller.enqueue(new TextEncoder().encode(line));
            else controller.error(new TypeError("terminated"));
          },
        }),
        { headers: { "content-type": "application/x-ndjson" } },
      );
    const deltas: string[] = [];
    const err = await userFailure(chatModel({ fetch }).chat(question, { onToken: (d) => deltas.push(d) }));
    expect(err.code).toBe("ollama-failed");
    expect(err.message).toContain("the connection closed before the answer was complete");
    expect(deltas).toEqual(["hi"]);
  });

  it("checkModel finds the model by its tag", async () => {
    await expect(chatModel().checkModel()).resolves.toBeUndefined();
    const err = await userFailure(chatModel({ model: "llama3" }).checkModel());
    expect(err.code).toBe("ollama-model-missing");
  });

  it("sends the numbered sources, within the budget, through the real client", async () => {
    const sources: PromptSource[] = [1, 2, 3, 4, 5].map((n) => ({
      n,
      title: `文章${n}`,
      heading: "开源与闭源",
      text: `第${n}条资料：${"开源模型的权重公开。".repeat(30)}`,
    }));
    const numCtx = 1400;
    const reserveForAnswer = 256;
    const { messages, includedSources } = buildAnswerPrompt({
      question: "开源模型和闭源模型有什么区别？",
      language: "zh",
      comparison: true,
      sources,
      numCtx,
      reserveForAnswer,
    });
    expect(includedSources.length).toBeGreaterThan(0);
    expect(includedSources.length).toBeLessThan(5);

    let received: FakeChatRequest | undefined;
    fake.chatReply = (request) => {
      received = request;
      return "**开源**：权重公开[1]。";
    };
    await chatModel({ numCtx }).chat(messages);

    expect(received?.options).toMatchObject({ num_ctx: numCtx });
    const sent = received?.messages ?? [];
    const user = sent.find((m) => m.role === "user")?.content ?? "";
    for (const n of [1, 2, 3, 4, 5]) {
      expect(new RegExp(`<<<资料 ${n} \\w+>>>\\n文章${n} › 开源与闭源\\n第${n}条资料`).test(user)).toBe(
        includedSources.includes(n),
      );
    }
    const tokens = sent.reduce((t, m) => t + estimateTokens(m.content), 0);
    expect(tokens).toBeLessThanOrEqual(numCtx - reserveForAnswer);
  });
});
