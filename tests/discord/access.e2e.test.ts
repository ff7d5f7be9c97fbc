/**
 * Access control through the real discord.js Client: one channel allowed (and its threads), one
 * role required, one user blocked, DMs off. Refused slash commands and buttons get a private line
 * in the user's language; refused mentions and DMs get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/discord/messages.js";
import { FakeAnswerer } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import type { FakeMessage } from "../fakes/discord/server.js";

describe("access control", () => {
  const answerer = new FakeAnswerer();
  let h: Harness;
  let role: string[];
  beforeAll(async () => {
    h = await startHarness({
      answerer,
      env: (fake) => ({
        ALLOWED_CHANNEL_IDS: fake.ids.textChannel,
        ALLOWED_ROLE_IDS: fake.ids.memberRole,
        BLOCKED_USER_IDS: fake.user("blocked").id,
        ALLOW_DMS: "false",
      }),
    });
    role = [h.fake.ids.memberRole];
  });
  afterAll(async () => {
    await h?.stop();
  });

  const answered = (message: FakeMessage) =>
    h.fake.waitFor(() =>
      h.fake.repliesTo(message.id).find((m) => m.embeds.length > 0 && m.components.length > 0),
    );

  it("answers a member with the role in the allowed channel and in a thread under it", async () => {
    const slash = h.fake.slashCommand({
      name: "ask",
      roles: role,
      options: { question: "开源模型透明吗？" },
    });
    await h.fake.waitFor(() => slash.original?.embeds.length);
    expect(slash.ack?.type).toBe(5);
    const inThread = h.fake.mention("闭源模型安全吗？", { channelId: h.fake.ids.thread, roles: role });
    await answered(inThread);
    const slashInThread = h.fake.slashCommand({
      name: "ask",
      roles: role,
      channelId: h.fake.ids.thread,
      options: { question: "成本如何？" },
    });
    await h.fake.waitFor(() => slashInThread.original?.embeds.length);
  });

  it("tells a refused slash command why, privately, in the user's language", async () => {
    const elsewhere = h.fake.slashCommand({
      name: "ask",
      roles: role,
      channelId: h.fake.ids.otherChannel,
      options: { question: "开源好吗？" },
    });
    const noRole = h.fake.slashCommand({
      name: "ask",
      locale: "en-US",
      options: { question: "Is open better?" },
    });
    const blocked = h.fake.slashCommand({
      name: "help",
      roles: role,
      user: h.fake.user("blocked"),
      locale: "en-GB",
    });
    const inDm = h.fake.slashCommand({ name: "ask", dm: true, options: { question: "私信可以问吗？" } });
    await h.fake.waitFor(() => [elsewhere, noRole, blocked, inDm].every((i) => i.ack));
    for (const i of [elsewhere, noRole, blocked, inDm]) expect(i.ack).toMatchObject({ type: 4, flags: 64 });
    expect(elsewhere.ack?.data?.content).toBe(MESSAGES.zh.notAllowedHere);
    expect(noRole.ack?.data?.content).toBe(MESSAGES.en.notAllowed);
    expect(blocked.ack?.data?.content).toBe(MESSAGES.en.notAllowed);
    expect(inDm.ack?.data?.content).toBe(MESSAGES.zh.dmsDisabled);
    const asked = answerer.calls.map((c) => c.question);
    expect(asked).not.toContain("开源好吗？");
    expect(asked).not.toContain("Is open better?");
  });

  it("refuses a button under an answer to a user the rules keep out", async () => {
    const slash = h.fake.slashCommand({
      name: "ask",
      roles: role,
      options: { question: "开源和闭源哪个更透明？" },
    });
    const answer = await h.fake.waitFor(() =>
      slash.original?.components.length ? slash.original : undefined,
    );
    const [passages] =
      (answer.components as Array<{ components: Array<{ custom_id: string }> }>)[0]?.components ?? [];
    const click = h.fake.click({
      customId: passages?.custom_id ?? "",
      messageId: answer.id,
      user: h.fake.user("blocked"),
    });
    await h.fake.waitFor(() => click.ack);
    expect(click.ack).toMatchObject({ type: 4, flags: 64, data: { content: MESSAGES.zh.notAllowed } });
  });

  it("ignores refused mentions and DMs without a word", async () => {
    const before = h.fake.requests.length;
    const refused = [
      h.fake.mention("在别的频道问", { channelId: h.fake.ids.otherChannel, roles: role }),
      h.fake.mention("没有角色也问", {}),
      h.fake.mention("被屏蔽的人问", { user: h.fake.user("blocked"), roles: role }),
      h.fake.dm("私信问", { user: h.fake.user("dm-user") }),
    ];
    // Messages are handled in the order they arrive and refused before any await: once the
    // allowed mention sent after them is answered, the refused ones had their chance to reply.
    const allowed = h.fake.mention("允许的问题", { roles: role });
    await answered(allowed);
    for (const m of refused) expect(h.fake.repliesTo(m.id)).toEqual([]);
    const asked = answerer.calls.map((c) => c.question);
    for (const q of ["在别的频道问", "没有角色也问", "被屏蔽的人问", "私信问"])
      expect(asked).not.toContain(q);
    // Nothing at all went to the refused channels: no typing indicator, no reply.
    const quiet = [h.fake.ids.otherChannel, h.fake.dmChannelId(h.fake.user("dm-user"))];
    const touched = h.fake.requests.slice(before).filter((r) => quiet.some((id) => r.path.includes(id)));
    expect(touched).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });
});
