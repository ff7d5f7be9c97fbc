/**
 * Start-up, shutdown, registration, cooldowns and follow-ups after the bot has forgotten an
 * answer: the real discord.js Client (and the real scripts) against the local fake Discord.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { MESSAGES } from "../../src/discord/messages.js";
import { registerCommands } from "../../src/discord/register.js";
import { silentLogger } from "../../src/logger.js";
import { FakeAnswerer, SAMPLE_ANSWER } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import { FakeDiscord, type FakeMessage } from "../fakes/discord/server.js";
import { collectOutput } from "../helpers/process.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");

/** Runs a script with exactly the given environment (nothing inherited), from an empty directory. */
async function runScript(script: string, env: Record<string, string>) {
  const cwd = await mkdtemp(path.join(tmpdir(), "bot-script-"));
  try {
    return await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [TSX, path.join(REPO, script)], {
        cwd,
        env: { ...env, NO_COLOR: "1" },
      });
      collectOutput(child).then(resolve, reject);
    });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

function botReplyTo(h: Harness, message: FakeMessage, want: "answer" | "text" = "answer") {
  return h.fake.waitFor(() => {
    const reply = h.fake.repliesTo(message.id).find((m) => m.author.id === h.fake.ids.bot);
    if (!reply) return undefined;
    if (want === "answer") return reply.embeds.length > 0 && reply.components.length > 0 ? reply : undefined;
    return reply.embeds.length === 0 && !reply.content.includes("…") ? reply : undefined;
  });
}

describe("scripts/bot.ts settings", () => {
  it("prints a missing token once and exits 1", async () => {
    const r = await runScript("scripts/bot.ts", {});
    expect(r.code).toBe(1);
    expect(r.stderr.match(/DISCORD_TOKEN/g)).toHaveLength(1);
    expect(r.stderr).toContain("Invalid settings");
    expect(r.stdout).toBe("");
  });

  it("rejects a malformed token or API URL without echoing the token", async () => {
    const r = await runScript("scripts/bot.ts", {
      DISCORD_TOKEN: "hunter2-not-a-token",
      DISCORD_API_URL: "not a url",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DISCORD_API_URL");
    expect(r.stderr).not.toContain("hunter2");
    const bad = await runScript("scripts/bot.ts", { DISCORD_TOKEN: "hunter2-not-a-token" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("does not look like a bot token");
    expect(bad.stderr).not.toContain("hunter2");
  });
});

describe("registering commands", () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const env = () => ({
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.ids.application,
    DISCORD_API_URL: fake.apiUrl,
    MAX_QUESTION_LENGTH: "300",
  });

  it("registers globally without DISCORD_GUILD_ID", async () => {
    const result = await registerCommands(loadConfig({ env: env() }), silentLogger);
    expect(result).toMatchObject({
      scope: "global",
      names: ["ask", "sources", "help", "reindex", "addarticle", "removearticle"],
    });
    const put = fake.requests.find((r) => r.method === "PUT");
    expect(put?.path).toBe(`/applications/${fake.ids.application}/commands`);
  });

  it("npm run register-commands: registers in the guild when DISCORD_GUILD_ID is set", async () => {
    const r = await runScript("scripts/register-commands.ts", {
      ...env(),
      DISCORD_GUILD_ID: fake.ids.guild,
      LOG_LEVEL: "silent",
    });
    // The test before registered globally too: each command would show twice, and it says so.
    expect(r.stderr).toMatch(/^warning: .* are also registered globally/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Registered /ask, /sources, /help, /reindex, /addarticle, /removearticle in server ${fake.ids.guild}`,
    );
    const commands = fake.registeredCommands.guild.get(fake.ids.guild) as Array<Record<string, unknown>>;
    expect(commands.map((c) => c.name)).toEqual([
      "ask",
      "sources",
      "help",
      "reindex",
      "addarticle",
      "removearticle",
    ]);
    expect(commands[0]).toMatchObject({
      name_localizations: { "zh-CN": "提问" },
      options: [expect.objectContaining({ name: "question", max_length: 300, required: true })],
    });
    expect(commands[3]).toMatchObject({ default_member_permissions: "32" });
  });

  it("needs DISCORD_CLIENT_ID", async () => {
    const { DISCORD_CLIENT_ID: _omit, ...rest } = env();
    const r = await runScript("scripts/register-commands.ts", rest);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DISCORD_CLIENT_ID: not set");
  });
});

describe("lifecycle", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("on stop: refuses new questions, lets the answer in flight finish, then disconnects", async () => {
    const answerer = new FakeAnswerer({ delayMs: 1200 });
    h = await startHarness({ answerer });
    const first = h.fake.slashCommand({ name: "ask", options: { question: "开源模型的未来如何？" } });
    await h.fake.waitFor(() => answerer.calls.length === 1);
    const stopping = h.bot.stop({ timeoutMs: 10_000 });
    const late = h.fake.slashCommand({
      name: "ask",
      options: { question: "还有一个问题？" },
      user: h.fake.user("late"),
    });
    await h.fake.waitFor(() => late.ack);
    expect(late.ack).toMatchObject({ type: 4, flags: 64 });
    expect(late.ack?.data?.content).toBe(MESSAGES.zh.shuttingDown);
    await stopping;
    expect(first.original?.embeds[0]?.description).toBe(SAMPLE_ANSWER);
    expect(answerer.calls).toHaveLength(1);
    expect(h.bot.client.isReady()).toBe(false);
  });

  it("on stop: aborts answers still running after the grace period and tells their users", async () => {
    const answerer = new FakeAnswerer({ delayMs: 20_000 });
    h = await startHarness({ answerer });
    const slow = h.fake.slashCommand({ name: "ask", options: { question: "这个问题要很久吗？" } });
    await h.fake.waitFor(() => answerer.calls.length === 1);
    const started = Date.now();
    await h.bot.stop({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.original?.content).toBe(MESSAGES.zh.shuttingDown);
  });

  it("stop({ now }) during the grace period: answers in flight and queued questions are told to ask again", async () => {
    // An answer that ignores the abort: its user must be told all the same.
    const answerer = new FakeAnswerer();
    answerer.ask = (question, options) => {
      answerer.calls.push({ question, history: options?.history ?? [], startedAt: Date.now() });
      return new Promise(() => {});
    };
    h = await startHarness({ answerer, env: { ANSWER_CONCURRENCY: "1" } });
    const running = h.fake.slashCommand({ name: "ask", options: { question: "这个问题要很久吗？" } });
    await h.fake.waitFor(() => answerer.calls.length === 1);
    const queued = h.fake.slashCommand({
      name: "ask",
      user: h.fake.user("queued"),
      options: { question: "排队的问题呢？" },
    });
    const mention = h.fake.mention("Is this one queued too?", { user: h.fake.user("queued-mention") });
    await h.fake.waitFor(() => queued.original?.content.startsWith("排队中"));
    await h.fake.waitFor(() => h?.fake.repliesTo(mention.id)[0]?.content.startsWith("排队中"));
    // The first signal waits (up to 60 s here); the second ends the wait.
    const first = h.bot.stop({ timeoutMs: 60_000 });
    await h.fake.waitFor(() => h?.logs.some((l) => l.msg === "stopping: finishing answers in flight"));
    const started = Date.now();
    await h.bot.stop({ now: true });
    await first;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(running.original?.content).toBe(MESSAGES.zh.shuttingDown);
    expect(queued.original?.content).toBe(MESSAGES.zh.shuttingDown);
    expect(h.fake.repliesTo(mention.id)[0]?.content).toBe(MESSAGES.en.shuttingDown);
    // Only the first question ever reached the answerer.
    expect(answerer.calls).toHaveLength(1);
    expect(h.bot.client.isReady()).toBe(false);
  });

  it("enforces the per-user cooldown, telling the user how long to wait", async () => {
    const answerer = new FakeAnswerer();
    h = await startHarness({ answerer, env: { ASK_COOLDOWN_SECONDS: "60" } });
    const user = h.fake.user("eager");
    const a = h.fake.slashCommand({ name: "ask", user, options: { question: "开源好吗？" } });
    await h.fake.waitFor(() => a.original?.embeds.length);
    const b = h.fake.slashCommand({ name: "ask", user, options: { question: "闭源好吗？" } });
    await h.fake.waitFor(() => b.ack);
    expect(b.ack).toMatchObject({ type: 4, flags: 64 });
    expect(String(b.ack?.data?.content)).toMatch(/请 (60|59|58) 秒后再试/);
    const c = h.fake.mention("Is closed better?", { user });
    expect((await botReplyTo(h, c, "text")).content).toMatch(/try again in \d+ s/);
    const other = h.fake.slashCommand({
      name: "ask",
      user: h.fake.user("patient"),
      options: { question: "成本呢？" },
    });
    await h.fake.waitFor(() => other.original?.embeds.length);
    expect(answerer.calls.map((x) => x.question)).toEqual(["开源好吗？", "成本呢？"]);
  });

  it("follows a reply chain through Discord itself once the answer has left the bot's memory", async () => {
    const answerer = new FakeAnswerer();
    h = await startHarness({ answerer, botOptions: { answerCacheSize: 1 } });
    const q1 = h.fake.mention("开源模型透明吗？");
    const r1 = await botReplyTo(h, q1);
    const q2 = h.fake.mention("闭源模型贵吗？", { user: h.fake.user("someone-else") });
    await botReplyTo(h, q2);
    // r1 was evicted: its buttons are now "too old", and its history must come from the messages
    // themselves (discord.js's message cache or GET /channels/{id}/messages/{id}).
    const passages = (r1.components as Array<{ components: Array<{ custom_id: string }> }>)[0]?.components[0];
    const click = h.fake.click({ customId: passages?.custom_id ?? "", messageId: r1.id });
    await h.fake.waitFor(() => click.ack);
    expect(click.ack?.data?.content).toBe(MESSAGES.zh.answerTooOld);
    const follow = h.fake.postMessage({ content: "为什么？", replyTo: r1.id, mentionsBot: true });
    await botReplyTo(h, follow);
    expect(answerer.calls.at(-1)).toMatchObject({
      question: "为什么？",
      history: [
        { role: "user", content: "开源模型透明吗？" },
        { role: "assistant", content: SAMPLE_ANSWER },
      ],
    });
  });
});
