/** The REST pacer (src/discord/rest-pacing.ts) on a fake clock. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { isInteractionCallback, type MakeRequest, pacedRequests } from "../../src/discord/rest-pacing.js";

const API = "http://127.0.0.1:1/api/v10";

function recorder() {
  const sent: Array<{ url: string; at: number }> = [];
  const make = (async (url: string) => {
    sent.push({ url, at: Date.now() });
    return new Response(null, { status: 204 });
  }) as unknown as MakeRequest;
  return { sent, make };
}

describe("pacedRequests", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("spaces a burst evenly, never more than perSecond in any second, in order", async () => {
    vi.useFakeTimers();
    const { sent, make } = recorder();
    const paced = pacedRequests(make, { perSecond: 10, clock: Date.now });
    const start = Date.now();
    const all = Array.from({ length: 25 }, (_, i) =>
      paced(`${API}/channels/1/messages/${i}`, { method: "PATCH" }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(all);
    expect(sent.map((s) => s.url)).toEqual(
      Array.from({ length: 25 }, (_, i) => `${API}/channels/1/messages/${i}`),
    );
    for (const [i, s] of sent.entries()) {
      const inSecond = sent.filter((t) => t.at >= s.at && t.at < s.at + 1000).length;
      expect(inSecond).toBeLessThanOrEqual(10);
      expect(s.at - start).toBe(i * 100);
    }
  });

  it("never holds back an interaction callback (exempt from the global limit, due within 3 s)", async () => {
    vi.useFakeTimers();
    const { sent, make } = recorder();
    const paced = pacedRequests(make, { perSecond: 1, clock: Date.now });
    void paced(`${API}/channels/1/messages`, { method: "POST" });
    void paced(`${API}/channels/1/messages`, { method: "POST" });
    void paced(`${API}/interactions/123456789012345678/aW50ZXJhY3Rpb246/callback`, { method: "POST" });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.url.split("/v10")[1]).sort()).toEqual([
      "/channels/1/messages",
      "/interactions/123456789012345678/aW50ZXJhY3Rpb246/callback",
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(3);
  });

  it("drops a request discord.js aborts while it waits, rejecting with the abort reason", async () => {
    vi.useFakeTimers();
    const { sent, make } = recorder();
    const paced = pacedRequests(make, { perSecond: 1, clock: Date.now });
    void paced(`${API}/channels/1/messages`, { method: "POST" });
    const controller = new AbortController();
    const second = paced(`${API}/channels/2/messages`, { method: "POST", signal: controller.signal });
    const third = paced(`${API}/channels/3/messages`, { method: "POST" });
    controller.abort(new Error("timed out"));
    await expect(second).rejects.toThrow("timed out");
    await vi.advanceTimersByTimeAsync(1000);
    await third;
    expect(sent.map((s) => s.url.split("/v10")[1])).toEqual(["/channels/1/messages", "/channels/3/messages"]);
  });

  it("knows an interaction callback from a webhook edit", () => {
    expect(isInteractionCallback(`${API}/interactions/1/tok/callback`)).toBe(true);
    expect(isInteractionCallback(`${API}/interactions/1/tok/callback?with_response=true`)).toBe(true);
    expect(isInteractionCallback(`${API}/webhooks/1/tok/messages/@original`)).toBe(false);
  });
});
