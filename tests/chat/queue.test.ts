import { afterEach, describe, expect, it, vi } from "vitest";
import { AnswerQueue, POSITION_REPORT_INTERVAL_MS, QueueClosedError } from "../../src/chat/queue.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("AnswerQueue", () => {
  it("runs at most `concurrency` tasks and tells waiting ones their moving place in line", async () => {
    const q = new AnswerQueue(2, { positionIntervalMs: 0 });
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

  it("abandonWaiting rejects the waiting tasks at once and lets the running one finish", async () => {
    const q = new AnswerQueue(1, { positionIntervalMs: 0 });
    const gate = deferred();
    const started: number[] = [];
    const running = q.run(async () => {
      started.push(0);
      await gate.promise;
      return "done";
    });
    const waiting = [1, 2].map((i) =>
      q.run(async () => {
        started.push(i);
      }),
    );
    q.abandonWaiting();
    for (const w of waiting) await expect(w).rejects.toBeInstanceOf(QueueClosedError);
    expect(q.waiting).toBe(0);
    await expect(q.run(async () => "late")).rejects.toBeInstanceOf(QueueClosedError);
    gate.resolve();
    await expect(running).resolves.toBe("done");
    expect(started).toEqual([0]);
  });

  describe("place reports under load", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** `n` tasks on one slot; each is finished by calling finish[i](). */
    function line(q: AnswerQueue, n: number) {
      const finish: Array<() => void> = [];
      const reports: number[][] = Array.from({ length: n }, () => []);
      const at: number[][] = Array.from({ length: n }, () => []);
      const done = Array.from({ length: n }, (_, i) =>
        q.run(
          () =>
            new Promise<void>((resolve) => {
              finish[i] = resolve;
            }),
          (p) => {
            reports[i]?.push(p);
            at[i]?.push(Date.now());
          },
        ),
      );
      return { finish, reports, at, done };
    }

    it("reports a waiting task's new place at most once per interval, and only the latest place", async () => {
      vi.useFakeTimers();
      const q = new AnswerQueue(1);
      const { finish, reports, at, done } = line(q, 12);
      expect(reports[11]).toEqual([11]);
      // Ten answers finish within one second: the last task moves from 11th to 1st.
      for (let i = 0; i < 10; i += 1) {
        finish[i]?.();
        await vi.advanceTimersByTimeAsync(100);
      }
      expect(reports[11]).toEqual([11]);
      await vi.advanceTimersByTimeAsync(POSITION_REPORT_INTERVAL_MS);
      expect(reports[11]).toEqual([11, 1]);
      const gaps = (at[11] ?? []).slice(1).map((t, i) => t - (at[11]?.[i] ?? 0));
      expect(gaps.every((g) => g >= POSITION_REPORT_INTERVAL_MS)).toBe(true);
      for (const f of finish.slice(10)) f?.();
      await vi.advanceTimersByTimeAsync(0);
      finish[11]?.();
      await Promise.all(done);
    });

    it("sends nothing when the place has not changed, and nothing after the task started", async () => {
      vi.useFakeTimers();
      const q = new AnswerQueue(1);
      const { finish, reports, done } = line(q, 3);
      await vi.advanceTimersByTimeAsync(POSITION_REPORT_INTERVAL_MS * 3);
      expect(reports).toEqual([[], [1], [2]]);
      finish[0]?.();
      await vi.advanceTimersByTimeAsync(0);
      // Task 1 started (no report), task 2 moved to 1st: reported at once, its interval having passed.
      expect(reports).toEqual([[], [1], [2, 1]]);
      finish[1]?.();
      await vi.advanceTimersByTimeAsync(POSITION_REPORT_INTERVAL_MS * 2);
      expect(reports).toEqual([[], [1], [2, 1]]);
      finish[2]?.();
      await Promise.all(done);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("cancels a held-back report when the task starts before it is due", async () => {
      vi.useFakeTimers();
      const q = new AnswerQueue(1);
      const { finish, reports, done } = line(q, 3);
      finish[0]?.();
      await vi.advanceTimersByTimeAsync(0);
      expect(vi.getTimerCount()).toBe(1);
      finish[1]?.();
      await vi.advanceTimersByTimeAsync(0);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(POSITION_REPORT_INTERVAL_MS);
      expect(reports[2]).toEqual([2]);
      finish[2]?.();
      await Promise.all(done);
    });
  });
});
