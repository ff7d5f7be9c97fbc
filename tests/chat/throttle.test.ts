import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createThrottledEditor } from "../../src/chat/throttle.js";

describe("createThrottledEditor", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the first text at once, then at most one edit per interval with only the newest text", async () => {
    const sent: Array<[number, string]> = [];
    const editor = createThrottledEditor(
      async (t) => {
        sent.push([Date.now(), t]);
      },
      { intervalMs: 1000 },
    );
    const start = Date.now();
    for (let i = 1; i <= 30; i += 1) {
      editor.push(`text ${i}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent[0]).toEqual([start, "text 1"]);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)?.[1]).toBe("text 30");
    for (let i = 1; i < sent.length; i += 1) {
      expect((sent[i]?.[0] ?? 0) - (sent[i - 1]?.[0] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });

  it("never has two edits in flight, and stop() waits for the one on the wire and drops the rest", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sent: string[] = [];
    const editor = createThrottledEditor(
      async (t) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2500)); // a slow edit, e.g. waiting out a 429
        sent.push(t);
        inFlight -= 1;
      },
      { intervalMs: 1000 },
    );
    editor.push("a");
    await vi.advanceTimersByTimeAsync(1200);
    editor.push("b");
    editor.push("c");
    const stopped = editor.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(done).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual(["a"]);
    expect(maxInFlight).toBe(1);
  });

  it("reports a failed edit and keeps streaming", async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    let first = true;
    const editor = createThrottledEditor(
      async (t) => {
        if (first) {
          first = false;
          throw new Error("50035");
        }
        sent.push(t);
      },
      { intervalMs: 10, onError: (e) => errors.push(e) },
    );
    editor.push("x");
    await vi.advanceTimersByTimeAsync(5);
    editor.push("y");
    await vi.advanceTimersByTimeAsync(50);
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(["y"]);
  });
});
