import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AnswerStore } from "../../src/chat/answer-store.js";
import { FeedbackLog } from "../../src/chat/feedback.js";
import { type HistoryMessage, historyFromReplyChain, historyFromThread } from "../../src/chat/history.js";
import { sampleResult } from "../fakes/answerer.js";

const opts = (store = new AnswerStore(10)) => ({ store, maxDepth: 4, maxTurns: 6, maxTurnChars: 1500 });

function fetcherOf(messages: HistoryMessage[]) {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const fetched: string[] = [];
  return {
    fetched,
    fetch: async (id: string) => {
      fetched.push(id);
      return byId.get(id) ?? null;
    },
  };
}

describe("historyFromReplyChain", () => {
  it("walks the chain from the Discord messages when the answers are no longer stored", async () => {
    const f = fetcherOf([
      { id: "1", fromSelf: false, text: "开源模型有什么优势？" },
      { id: "2", fromSelf: true, text: "更透明[1]。", referenceId: "1" },
      { id: "3", fromSelf: true, text: "成本更低[2]。", referenceId: "2" },
    ]);
    const turns = await historyFromReplyChain("3", f.fetch, opts());
    expect(turns).toEqual([
      { role: "user", content: "开源模型有什么优势？" },
      { role: "assistant", content: "更透明[1]。\n成本更低[2]。" },
    ]);
  });

  it("uses the stored answer instead of fetching, and continues above the question", async () => {
    const store = new AnswerStore(10);
    store.put({
      id: "20",
      question: "那闭源呢？",
      userId: "u",
      result: sampleResult("那闭源呢？", { answer: "闭源模型更稳定[1]。" }),
      createdAt: 0,
      messageIds: ["21", "22"],
      parentMessageId: "11",
    });
    const f = fetcherOf([
      { id: "10", fromSelf: false, text: "开源好吗？" },
      { id: "11", fromSelf: true, text: "开源很好[1]。", referenceId: "10" },
    ]);
    const turns = await historyFromReplyChain("22", f.fetch, opts(store));
    expect(turns.map((t) => t.content)).toEqual([
      "开源好吗？",
      "开源很好[1]。",
      "那闭源呢？",
      "闭源模型更稳定[1]。",
    ]);
    expect(f.fetched).toEqual(["11", "10"]);
  });

  it("is bounded in depth, survives a failing fetch, and ignores cycles", async () => {
    const chain: HistoryMessage[] = Array.from({ length: 20 }, (_, i) => ({
      id: String(i),
      fromSelf: i % 2 === 1,
      text: `m${i}`,
      ...(i > 0 ? { referenceId: String(i - 1) } : {}),
    }));
    const f = fetcherOf(chain);
    await historyFromReplyChain("19", f.fetch, opts());
    expect(f.fetched).toHaveLength(4);
    const failing = await historyFromReplyChain(
      "5",
      async () => {
        throw new Error("403 Missing Access");
      },
      opts(),
    );
    expect(failing).toEqual([]);
    const loop = fetcherOf([{ id: "a", fromSelf: false, text: "q", referenceId: "a" }]);
    expect(await historyFromReplyChain("a", loop.fetch, opts())).toEqual([{ role: "user", content: "q" }]);
  });
});

describe("historyFromThread", () => {
  it("pairs questions with stored answers without repeating the question, skipping empty messages", () => {
    const store = new AnswerStore(10);
    store.put({
      id: "1",
      question: "开源好吗？",
      userId: "u",
      result: sampleResult("开源好吗？", { answer: "开源很好[1]。" }),
      createdAt: 0,
      messageIds: ["2"],
    });
    const turns = historyFromThread(
      [
        { id: "1", fromSelf: false, text: "开源好吗？" },
        { id: "2", fromSelf: true, text: "（显示在 embed 中）" },
        { id: "3", fromSelf: false, text: "" },
        { id: "4", fromSelf: true, text: "" },
      ],
      opts(store),
    );
    expect(turns).toEqual([
      { role: "user", content: "开源好吗？" },
      { role: "assistant", content: "开源很好[1]。" },
    ]);
  });

  it("keeps only the newest turns, each cut to size", () => {
    const messages: HistoryMessage[] = Array.from({ length: 12 }, (_, i) => ({
      id: String(i),
      fromSelf: i % 2 === 1,
      text: `${i} ${"字".repeat(3000)}`,
    }));
    const turns = historyFromThread(messages, opts());
    expect(turns).toHaveLength(6);
    expect(turns[0]?.content.startsWith("6 ")).toBe(true);
    for (const t of turns) expect(t.content.length).toBeLessThanOrEqual(1500);
  });
});

describe("FeedbackLog", () => {
  it("creates the directory and appends one JSON object per line, even when votes arrive together", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "feedback-"));
    try {
      const file = path.join(dir, "a", "b", "votes.jsonl");
      const log = new FeedbackLog(file);
      const entry = (i: number) => ({
        time: new Date(0).toISOString(),
        question: `问题 ${i}`,
        answer: "回答[1]",
        citations: [],
        vote: i % 2 ? ("up" as const) : ("down" as const),
        userId: String(i),
      });
      await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(entry(i))));
      const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
      expect(lines).toHaveLength(20);
      expect(lines.map((l) => JSON.parse(l).userId)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
