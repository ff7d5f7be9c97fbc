import { describe, expect, it } from "vitest";
import { AnswerStore } from "../../src/chat/answer-store.js";
import { sampleResult } from "../fakes/answerer.js";

describe("AnswerStore", () => {
  it("keeps the last N answers, findable by id and by message id", () => {
    const store = new AnswerStore(2);
    const rec = (id: string) => ({
      id,
      question: `q${id}`,
      userId: "u",
      result: sampleResult("问题"),
      createdAt: 0,
      messageIds: [`m${id}a`, `m${id}b`],
    });
    store.put(rec("1"));
    store.put(rec("2"));
    store.put(rec("3"));
    expect(store.size).toBe(2);
    expect(store.get("1")).toBeUndefined();
    expect(store.byMessageId("m1a")).toBeUndefined();
    expect(store.byMessageId("m3b")?.question).toBe("q3");
  });
});
