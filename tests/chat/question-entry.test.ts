/**
 * The chat layer reads questions the way the answerer does (normaliseQuestion): the length limit
 * counts what will be answered, and earlier questions in a conversation lose their decoration too.
 */
import { describe, expect, it } from "vitest";
import { AnswerStore } from "../../src/chat/answer-store.js";
import { refuseQuestion } from "../../src/chat/ask-flow.js";
import { Cooldown } from "../../src/chat/cooldown.js";
import { historyFromReplyChain, historyFromThread } from "../../src/chat/history.js";
import { MESSAGES } from "../../src/chat/i18n.js";
import { sampleResult } from "../fakes/answerer.js";

const ctx = () => ({
  config: { chat: { maxQuestionLength: 50 } } as Parameters<typeof refuseQuestion>[3]["config"],
  cooldown: new Cooldown(0, () => 0),
});
const opts = (store = new AnswerStore(10)) => ({ store, maxDepth: 4, maxTurns: 6, maxTurnChars: 1500 });

describe("refuseQuestion", () => {
  it("measures the question without links and mentions", () => {
    const long = `<@&123456789012345678> 开源模型安全吗？ https://example.com/${"a".repeat(80)}`;
    expect(long.length).toBeGreaterThan(50);
    expect(refuseQuestion(long, "u1", "zh", ctx())).toBeNull();
    expect(refuseQuestion(`@everyone ${"为什么".repeat(20)}`, "u2", "zh", ctx())).toBe(
      MESSAGES.zh.tooLong(50, 60),
    );
  });
});

describe("history", () => {
  it("turns earlier questions from a thread into their normalised text", () => {
    const turns = historyFromThread(
      [
        {
          id: "1",
          fromSelf: false,
          text: "<@123456789012345678> <@&234567890123456789> 开源模型有哪些优势？ (0)",
        },
        { id: "2", fromSelf: true, text: "更透明[1]。" },
        { id: "3", fromSelf: false, text: "@everyone \u200b" },
      ],
      opts(),
    );
    expect(turns).toEqual([
      { role: "user", content: "开源模型有哪些优势？" },
      { role: "assistant", content: "更透明[1]。" },
    ]);
  });

  it("reads a stored question the same way, and does not repeat it in a thread", async () => {
    const store = new AnswerStore(10);
    const question = "```\n闭源模型安全吗？\n```";
    store.put({
      id: "10",
      question,
      userId: "u",
      result: sampleResult(question, { answer: "更安全[1]。" }),
      createdAt: 0,
      messageIds: ["11"],
    });
    const chain = await historyFromReplyChain("11", async () => null, opts(store));
    expect(chain).toEqual([
      { role: "user", content: "闭源模型安全吗？" },
      { role: "assistant", content: "更安全[1]。" },
    ]);
    const thread = historyFromThread(
      [
        { id: "10", fromSelf: false, text: `<@123456789012345678> ${question}` },
        { id: "11", fromSelf: true, text: "更安全[1]。" },
      ],
      opts(store),
    );
    expect(thread).toEqual(chain);
  });
});
