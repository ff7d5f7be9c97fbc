import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type AskRequest, refuseQuestion, runAsk } from "../../src/chat/ask-flow.js";
import { type ChatContext, createChatContext } from "../../src/chat/context.js";
import { ShuttingDownError } from "../../src/chat/errors.js";
import { MESSAGES } from "../../src/chat/i18n.js";
import type { AnswerRenderer, AnswerView, ReplyTarget } from "../../src/chat/ports.js";
import { silentLogger } from "../../src/logger.js";
import type { QuestionAnswerer } from "../../src/types.js";
import { FakeAnswerer, SAMPLE_ANSWER } from "../fakes/answerer.js";
import { REPO } from "../helpers/app.js";

/** A front end that is not Discord: its messages are plain objects, split into two parts. */
interface PlainMessage {
  text: string;
}

const plainRenderer: AnswerRenderer<PlainMessage> = {
  streaming: (partial) => `${partial} …`,
  answer: (view: AnswerView) => [
    { text: `${view.answerId}: ${view.result.answer.slice(0, 20)}` },
    { text: view.result.answer.slice(20) },
  ],
};

type Call = ["showText", string] | ["edit", PlainMessage] | ["followUp", PlainMessage];

class RecordingTarget implements ReplyTarget<PlainMessage> {
  readonly calls: Call[] = [];
  #next = 100;

  async showText(text: string): Promise<void> {
    this.calls.push(["showText", text]);
  }
  async edit(message: PlainMessage): Promise<{ id: string }> {
    this.calls.push(["edit", message]);
    return { id: String(this.#next++) };
  }
  async followUp(message: PlainMessage): Promise<{ id: string }> {
    this.calls.push(["followUp", message]);
    return { id: String(this.#next++) };
  }
}

function chatContext(
  answerer: QuestionAnswerer,
  settings: { answerConcurrency?: number; signal?: AbortSignal } = {},
): ChatContext {
  return createChatContext({
    config: {
      chat: {
        cooldownSeconds: 10,
        answerConcurrency: settings.answerConcurrency ?? 2,
        maxQuestionLength: 50,
        feedbackFile: "/nonexistent/feedback.jsonl",
      },
    },
    logger: silentLogger,
    answerer,
    signal: settings.signal ?? new AbortController().signal,
    options: { streamIntervalMs: 0 },
  });
}

const request = (answerId: string, question = "开源模型有什么优势？"): AskRequest => ({
  answerId,
  question,
  history: [{ role: "user", content: "之前的问题" }],
  userId: "u1",
  receivedAt: Date.now(),
});

describe("runAsk with a front end that is not Discord", () => {
  it("streams through the renderer, then edits in the first part and follows up with the rest", async () => {
    const answerer = new FakeAnswerer({ streamSteps: 3, stepMs: 5 });
    const ctx = chatContext(answerer);
    const target = new RecordingTarget();

    const record = await runAsk(request("42"), { renderer: plainRenderer, target }, ctx);

    const streamed = target.calls.filter((c) => c[0] === "showText").map((c) => c[1]);
    expect(streamed.length).toBeGreaterThan(0);
    for (const text of streamed) expect(text).toMatch(/ …$/);
    expect(target.calls.slice(-2)).toEqual([
      ["edit", { text: `42: ${SAMPLE_ANSWER.slice(0, 20)}` }],
      ["followUp", { text: SAMPLE_ANSWER.slice(20) }],
    ]);
    expect(answerer.calls[0]?.history).toEqual([{ role: "user", content: "之前的问题" }]);
    expect(record.messageIds).toEqual(["100", "101"]);
    expect(ctx.store.byMessageId("101")?.question).toBe("开源模型有什么优势？");
  });

  it("shows the place in line while queued, then that the answer is being thought about", async () => {
    const answerer = new FakeAnswerer({ delayMs: 30 });
    const ctx = chatContext(answerer, { answerConcurrency: 1 });
    const first = new RecordingTarget();
    const second = new RecordingTarget();

    await Promise.all([
      runAsk(request("1"), { renderer: plainRenderer, target: first }, ctx),
      runAsk(request("2"), { renderer: plainRenderer, target: second }, ctx),
    ]);

    expect(second.calls[0]).toEqual(["showText", "排队中：第 1 位 / Queued: position 1"]);
    expect(second.calls).toContainEqual(["showText", `${MESSAGES.zh.thinking} / ${MESSAGES.en.thinking}`]);
    expect(first.calls.some((c) => c[0] === "showText" && c[1].includes("排队"))).toBe(false);
  });

  it("refuses with ShuttingDownError once the shutdown signal has fired", async () => {
    const stop = new AbortController();
    stop.abort();
    const ctx = chatContext(new FakeAnswerer(), { signal: stop.signal });
    const target = new RecordingTarget();
    await expect(runAsk(request("9"), { renderer: plainRenderer, target }, ctx)).rejects.toBeInstanceOf(
      ShuttingDownError,
    );
    expect(target.calls.filter((c) => c[0] !== "showText")).toEqual([]);
  });
});

describe("refuseQuestion", () => {
  it("refuses a question over the length limit, then one asked during the cooldown", () => {
    const ctx = chatContext(new FakeAnswerer());
    expect(refuseQuestion("x".repeat(51), "u1", "en", ctx)).toBe(MESSAGES.en.tooLong(50, 51));
    expect(refuseQuestion("开源模型安全吗？", "u1", "zh", ctx)).toBeNull();
    expect(refuseQuestion("闭源呢？", "u1", "zh", ctx)).toBe(MESSAGES.zh.cooldown(10));
    expect(refuseQuestion("and closed?", "u2", "en", ctx)).toBeNull();
  });
});

describe("src/chat", () => {
  it("imports neither discord.js nor src/discord, directly or through other modules", () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1] ?? "";
        if (spec === "discord.js" || spec.startsWith("@discordjs/")) offending.push(`${file}: ${spec}`);
        if (!spec.startsWith(".")) continue;
        const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts"));
        if (target.includes(`${path.sep}src${path.sep}discord${path.sep}`))
          offending.push(`${file}: ${spec}`);
        visit(target);
      }
    };
    const chatDir = path.join(REPO, "src/chat");
    for (const name of readdirSync(chatDir)) if (name.endsWith(".ts")) visit(path.join(chatDir, name));
    expect(seen.size).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });
});
