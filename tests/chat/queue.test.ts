import { describe, expect, it } from "vitest";
import { AnswerQueue, QueueClosedError } from "../../src/chat/queue.js";

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
