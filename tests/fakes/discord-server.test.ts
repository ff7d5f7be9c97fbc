/** The fake Discord must reject what Discord rejects, or the bot tests that rely on it prove nothing. */
import { DiscordAPIError, REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "./discord/server.js";

let fake: FakeDiscord;
let rest: REST;
beforeAll(async () => {
  fake = await FakeDiscord.start({ ackDeadlineMs: 200 });
  rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken(fake.token);
});
afterAll(async () => {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.close();
});

async function apiCode(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof DiscordAPIError ? Number(err.code) : String(err);
  }
}

describe("FakeDiscord", () => {
  const channel = () => Routes.channelMessages(fake.ids.textChannel);

  it("rejects over-limit content and embeds with 50035 and records the violation", async () => {
    expect(await apiCode(rest.post(channel(), { body: { content: "x".repeat(2000) } }))).toBe("ok");
    expect(await apiCode(rest.post(channel(), { body: { content: "x".repeat(2001) } }))).toBe(50035);
    const big = { description: "y".repeat(4000) };
    expect(await apiCode(rest.post(channel(), { body: { embeds: [big, big] } }))).toBe(50035);
    expect(
      await apiCode(rest.post(channel(), { body: { embeds: [{ description: "z".repeat(4097) }] } })),
    ).toBe(50035);
    expect(
      await apiCode(rest.post(channel(), { body: { embeds: [{ fields: [{ name: "a", value: "" }] }] } })),
    ).toBe(50035);
    expect(await apiCode(rest.post(channel(), { body: { content: "" } }))).toBe(50006);
    expect(fake.violations.map((v) => v.code)).toEqual([50035, 50035, 50035, 50035, 50006]);
    expect(fake.violations[0]?.problems[0]).toContain("content: 2001 > 2000");
  });

  it("refuses a late or a second acknowledgement", async () => {
    const late = fake.slashCommand({ name: "ask", options: { question: "q" } });
    await new Promise((r) => setTimeout(r, 250));
    const ack = { body: { type: 5, data: { flags: 0 } }, auth: false } as const;
    expect(await apiCode(rest.post(Routes.interactionCallback(late.id, late.token), ack))).toBe(10062);
    const twice = fake.slashCommand({ name: "ask", options: { question: "q" } });
    expect(await apiCode(rest.post(Routes.interactionCallback(twice.id, twice.token), ack))).toBe("ok");
    expect(await apiCode(rest.post(Routes.interactionCallback(twice.id, twice.token), ack))).toBe(40060);
    expect(twice.ack?.latencyMs).toBeLessThan(200);
  });

  it("answers the configured share of edits with 429 and a Retry-After header", async () => {
    const created = (await rest.post(channel(), { body: { content: "hello" } })) as { id: string };
    fake.rateLimitEdits(0.5, 0.3);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await fetch(`${fake.apiUrl}/v10/channels/${fake.ids.textChannel}/messages/${created.id}`, {
        method: "PATCH",
        headers: { Authorization: `Bot ${fake.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ content: `edit ${i}` }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get("retry-after")).toBe("0.3");
    }
    expect(statuses).toEqual([200, 429, 200, 429]);
    fake.rateLimitEdits(0);
  });

  it("requires the bot token on bot routes", async () => {
    const res = await fetch(`${fake.apiUrl}/v10/channels/${fake.ids.textChannel}/messages`, {
      method: "POST",
      headers: { Authorization: "Bot wrong.token.here", "Content-Type": "application/json" },
      body: JSON.stringify({ content: "x" }),
    });
    expect(res.status).toBe(401);
  });
});
