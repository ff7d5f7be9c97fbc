/**
 * Interaction and webhook tokens never reach the logs: interactions made to fail against the fake
 * (a late acknowledgement, an expired interaction token), and every captured log line searched
 * for the tokens. The failures must have been logged with their URLs for the test to mean anything.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeAnswerer } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";

describe("tokens in logs", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("a refused interaction callback is logged with its URL, the interaction token redacted", async () => {
    // Every acknowledgement is "late": Discord answers 10062 Unknown interaction.
    h = await startHarness({ fakeOptions: { ackDeadlineMs: 0 } });
    const i = h.fake.slashCommand({ name: "ask", options: { question: "开源模型的优势？" } });
    await h.fake.waitFor(() => h?.logs.some((l) => l.msg === "could not tell the user about an error"));
    const all = h.rawLogs.join("");
    expect(all).toContain(`/interactions/${i.id}/[redacted]/callback`);
    expect(all).not.toContain(i.token);
    expect(all).not.toContain(h.fake.token);
  });

  it("a failed webhook edit is logged with its URL, the webhook token redacted", async () => {
    const answerer = new FakeAnswerer({ delayMs: 300 });
    h = await startHarness({ answerer });
    const i = h.fake.slashCommand({ name: "ask", options: { question: "闭源模型安全吗？" } });
    await h.fake.waitFor(() => answerer.calls.length === 1);
    // The token expires while the answer is being worked on: the final edit gets 404.
    h.fake.expireInteraction(i.id);
    await h.fake.waitFor(() => h?.logs.some((l) => l.msg === "could not tell the user about an error"));
    const all = h.rawLogs.join("");
    expect(all).toContain(`/webhooks/${h.fake.ids.application}/[redacted]/messages/%40original`);
    expect(all).not.toContain(i.token);
    expect(all).not.toContain(h.fake.token);
  });
});
