import { describe, expect, it } from "vitest";
import { AnswerStore } from "../../src/chat/answer-store.js";
import { Cooldown } from "../../src/chat/cooldown.js";
import { AnswerQueue, QueueClosedError } from "../../src/chat/queue.js";
import { sampleResult } from "../fakes/discord/fake-answerer.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("AnswerQueue", () => {
  it("runs at most `concurrency` tasks and tells waiting ones their moving place in line", async () => {
    const q = new AnswerQueue(2);
    const gates = Array.from({ length: 5 }, deferred);
    let running = 0;
    let maxRunning = 0;
    const positions: number[][] = gates.map(() => []);
    const done = gates.map((g, i) =>
      q.run(
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await g.promise;
          running -= 1;
          return i;
        },
        (p) => positions[i]?.push(p),
      ),
    );
    expect(q.active).toBe(2);
    expect(q.waiting).toBe(3);
    expect(positions).toEqual([[], [], [1], [2], [3]]);
    gates[0]?.resolve();
    await done[0];
    await new Promise((r) => setImmediate(r));
    expect(positions).toEqual([[], [], [1], [2, 1], [3, 2]]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(maxRunning).toBe(2);
  });

  it("passes failures through and keeps going", async () => {
    const q = new AnswerQueue(1);
    const failed = q.run(async () => {
      throw new Error("boom");
    });
    const ok = q.run(async () => "next");
    await expect(failed).rejects.toThrow("boom");
    await expect(ok).resolves.toBe("next");
  });

  it("refuses new work after close() but finishes work already accepted", async () => {
    const q = new AnswerQueue(1);
    const gate = deferred();
    const first = q.run(() => gate.promise.then(() => "first"));
    const second = q.run(async () => "second");
    q.close();
    await expect(q.run(async () => "late")).rejects.toBeInstanceOf(QueueClosedError);
    gate.resolve();
    await expect(Promise.all([first, second])).resolves.toEqual(["first", "second"]);
  });
});

describe("Cooldown", () => {
  it("lets a user ask once per period and reports whole seconds left", () => {
    let now = 1_000_000;
    const c = new Cooldown(10, () => now);
    expect(c.take("u1")).toBe(0);
    now += 2_500;
    expect(c.take("u1")).toBe(8);
    expect(c.take("u2")).toBe(0);
    now += 7_400;
    expect(c.take("u1")).toBe(1);
    now += 200;
    expect(c.take("u1")).toBe(0);
  });

  it("is off at 0 seconds", () => {
    const c = new Cooldown(0);
    expect([c.take("u"), c.take("u"), c.take("u")]).toEqual([0, 0, 0]);
  });
});

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
