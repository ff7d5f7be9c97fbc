/**
 * The bot end to end: the real discord.js Client against a local fake Discord (127.0.0.1 only),
 * with a fake answerer behind the QuestionAnswerer seam.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/discord/messages.js";
import { UserError } from "../../src/errors.js";
import { FakeAnswerer, SAMPLE_ANSWER } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import type { FakeInteraction, FakeMessage } from "../fakes/discord/server.js";

const answerer = new FakeAnswerer({ streamSteps: 4, stepMs: 120 });
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ answerer, env: { MAX_QUESTION_LENGTH: "120" } });
});
afterAll(async () => {
  await h?.stop();
});

/** The interaction's response once it shows the final answer (embed + buttons). */
function finalAnswer(i: FakeInteraction) {
  return h.fake.waitFor(() => {
    const last = i.followUps.at(-1) ?? i.original;
    return last && last.components.length > 0 && i.original?.embeds.length ? i.original : undefined;
  });
}

/** The bot's reply to a message, once it shows the final answer or a text with no embed after `settle`. */
function botReplyTo(message: FakeMessage, want: "answer" | "text" = "answer") {
  return h.fake.waitFor(() => {
    const reply = h.fake.repliesTo(message.id).find((m) => m.author.id === h.fake.ids.bot);
    if (!reply) return undefined;
    if (want === "answer") return reply.embeds.length > 0 && reply.components.length > 0 ? reply : undefined;
    return reply.embeds.length === 0 && !reply.content.includes("…") ? reply : undefined;
  });
}

function editsOf(i: FakeInteraction) {
  return h.fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(i.token) && r.status === 200);
}

function callsFor(question: string) {
  return answerer.calls.filter((c) => c.question === question);
}

describe("/ask", () => {
  it("is acknowledged within 3 s and ends with an embed citing the right article", async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "开源大模型在透明度上有什么优势？" } });
    const original = await finalAnswer(i);
    expect(i.ack?.type).toBe(5); // deferred
    expect(i.ack?.latencyMs).toBeLessThan(3000);
    const embed = original.embeds[0];
    expect(embed?.title).toBe("开源大模型在透明度上有什么优势？");
    expect(embed?.description).toBe(SAMPLE_ANSWER);
    expect(embed?.fields?.[0]?.value).toContain(
      "[1] [开源大模型与闭源大模型的全面对比 › 二、关键区别 › 透明度](https://cloud.baidu.com/qianfanqa/article/open-vs-closed)",
    );
    expect(embed?.footer?.text).toMatch(/模型：fake · 嵌入：builtin · 用时 \d+\.\d 秒/);
    expect(original.content).toBe("");
    expect(callsFor("开源大模型在透明度上有什么优势？")[0]?.history).toEqual([]);
  });

  it("streams the answer into the deferred reply, throttled, before the final embed", async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "闭源模型的优点是什么？" } });
    await finalAnswer(i);
    const edits = editsOf(i);
    const streamed = edits.filter((r) =>
      String((r.body as { content?: string }).content ?? "").endsWith("▍"),
    );
    expect(streamed.length).toBeGreaterThanOrEqual(1);
    // 4 progress callbacks 120 ms apart, edits at most every 300 ms: fewer edits than callbacks.
    expect(streamed.length).toBeLessThan(4);
    const last = edits.at(-1)?.body as { content?: string; embeds?: unknown[] };
    expect(last.content).toBe("");
    expect(last.embeds).toHaveLength(1);
  });

  it("answers a question in English in English, and rejects an over-long one with a short help", async () => {
    const tooLong = h.fake.slashCommand({ name: "ask", options: { question: "为什么".repeat(50) } });
    await h.fake.waitFor(() => tooLong.ack);
    expect(tooLong.ack).toMatchObject({ type: 4, flags: 64 });
    expect(String(tooLong.ack?.data?.content)).toContain("120");
    expect(callsFor("为什么".repeat(50))).toHaveLength(0);
    const blank = h.fake.slashCommand({ name: "ask", options: { question: "   " }, locale: "en-US" });
    await h.fake.waitFor(() => blank.ack);
    expect(blank.ack?.data?.content).toBe(MESSAGES.en.emptyQuestion);
  });
});

describe("mentions, DMs and follow-ups", () => {
  it("answers @bot in a guild channel with a reply, the mention removed from the question", async () => {
    const msg = h.fake.mention("开源模型更透明吗？");
    const reply = await botReplyTo(msg);
    expect(reply.channel_id).toBe(h.fake.ids.textChannel);
    expect(reply.embeds[0]?.description).toBe(SAMPLE_ANSWER);
    expect(callsFor("开源模型更透明吗？")).toHaveLength(1);
  });

  it("answers a DM", async () => {
    const msg = h.fake.dm("Are open models cheaper?", { user: h.fake.user("dm-user") });
    const reply = await botReplyTo(msg);
    expect(reply.channel_id).toBe(h.fake.dmChannelId(h.fake.user("dm-user")));
    expect(reply.guild_id).toBeUndefined();
    expect(reply.embeds[0]?.title).toBe("Are open models cheaper?");
  });

  it("answers /ask used in a DM with the bot", async () => {
    const i = h.fake.slashCommand({
      name: "ask",
      dm: true,
      user: h.fake.user("dm-slash"),
      options: { question: "开源模型免费吗？" },
    });
    const original = await finalAnswer(i);
    expect(original.guild_id).toBeUndefined();
    expect(original.embeds[0]?.description).toBe(SAMPLE_ANSWER);
  });

  it("passes the thread's conversation as history for a follow-up in a thread", async () => {
    const user = h.fake.user("thread-user");
    const first = h.fake.mention("开源模型有哪些优势？", { user, channelId: h.fake.ids.thread });
    await botReplyTo(first);
    // Chatter that does not mention the bot: not answered, and (without MessageContent) unreadable.
    h.fake.postMessage({
      content: "我觉得闭源更好",
      user: h.fake.user("bystander"),
      channelId: h.fake.ids.thread,
    });
    const follow = h.fake.mention("那成本方面呢？", { user, channelId: h.fake.ids.thread });
    await botReplyTo(follow);
    expect(callsFor("那成本方面呢？")[0]?.history).toEqual([
      { role: "user", content: "开源模型有哪些优势？" },
      { role: "assistant", content: SAMPLE_ANSWER },
    ]);
    expect(callsFor("我觉得闭源更好")).toHaveLength(0);
  });

  it("passes the reply chain as history when someone replies to an answer (reply with ping, no @ text)", async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "闭源模型安全吗？" } });
    const original = await finalAnswer(i);
    const reply = h.fake.postMessage({ content: "那开源的呢？", replyTo: original.id, mentionsBot: true });
    const answer = await botReplyTo(reply);
    expect(answer.message_reference?.message_id).toBe(reply.id);
    expect(callsFor("那开源的呢？")[0]?.history).toEqual([
      { role: "user", content: "闭源模型安全吗？" },
      { role: "assistant", content: SAMPLE_ANSWER },
    ]);
  });

  it("ignores other bots, messages not addressed to it, and answers an empty mention with help", async () => {
    const before = answerer.calls.length;
    const otherBot = { ...h.fake.user("other-bot"), bot: true };
    const fromBot = h.fake.mention("你好", { user: otherBot });
    const plain = h.fake.postMessage({ content: "开源好还是闭源好？" });
    const empty = h.fake.postMessage({ content: `<@${h.fake.ids.bot}>` });
    const help = await botReplyTo(empty, "text");
    expect(help.content).toContain(MESSAGES.zh.emptyQuestion);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.repliesTo(fromBot.id)).toEqual([]);
    expect(h.fake.repliesTo(plain.id)).toEqual([]);
    expect(answerer.calls.length).toBe(before);
  });
});

describe("buttons", () => {
  let answer: FakeMessage;
  const ids = (m: FakeMessage) =>
    (m.components as Array<{ components: Array<{ custom_id: string }> }>)[0]?.components.map(
      (c) => c.custom_id,
    ) ?? [];

  beforeAll(async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "开源和闭源哪个更透明？" } });
    answer = await finalAnswer(i);
  });

  it("'Show passages' replies ephemerally, quoting each cited passage", async () => {
    const [passages] = ids(answer);
    const click = h.fake.click({
      customId: passages ?? "",
      messageId: answer.id,
      user: h.fake.user("reader"),
    });
    await h.fake.waitFor(() => click.ack);
    expect(click.ack).toMatchObject({ type: 4, flags: 64 });
    const embeds = click.ack?.data?.embeds as Array<{ title: string; description: string }>;
    expect(embeds.map((e) => e.title)).toEqual([
      "[1] 开源大模型与闭源大模型的全面对比 › 二、关键区别 › 透明度",
      "[2] 基于AI和全球化进程的权衡：开源大模型与闭源大模型 › 开源大模型 › 优势",
    ]);
    expect(embeds[0]?.description).toContain("> 开源大模型：代码和算法透明");
  });

  it("👍 and 👎 append one JSON line each to the feedback file", async () => {
    const [, up, down] = ids(answer);
    const voter = h.fake.user("voter");
    const a = h.fake.click({ customId: up ?? "", messageId: answer.id, user: voter });
    await h.fake.waitFor(() => a.ack);
    const b = h.fake.click({ customId: down ?? "", messageId: answer.id, user: voter });
    await h.fake.waitFor(() => b.ack);
    expect(a.ack?.data?.content).toBe(MESSAGES.zh.feedbackThanks("up"));
    const lines = (await readFile(h.config.chat.feedbackFile, "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.slice(-2).map((l) => l.vote)).toEqual(["up", "down"]);
    expect(lines.at(-1)).toMatchObject({
      question: "开源和闭源哪个更透明？",
      answer: SAMPLE_ANSWER,
      vote: "down",
      userId: voter.id,
      citations: [
        expect.objectContaining({ n: 1, title: "开源大模型与闭源大模型的全面对比" }),
        expect.anything(),
      ],
    });
    expect(Number.isNaN(Date.parse(lines.at(-1).time))).toBe(false);
  });

  it("a button on an answer the bot no longer has gets an honest 'too old' reply", async () => {
    const click = h.fake.click({ customId: "answer:1234567890123456789:passages", messageId: answer.id });
    await h.fake.waitFor(() => click.ack);
    expect(click.ack).toMatchObject({ type: 4, flags: 64 });
    expect(click.ack?.data?.content).toBe(MESSAGES.zh.answerTooOld);
  });
});

describe("/sources, /help, /reindex", () => {
  it("/sources lists the articles with links, passage counts and the last ingest", async () => {
    const i = h.fake.slashCommand({ name: "sources", locale: "en-US" });
    const original = await h.fake.waitFor(() => (i.original?.embeds.length ? i.original : undefined));
    expect(i.ack).toMatchObject({ type: 5, flags: 64 });
    const embed = original.embeds[0];
    expect(embed?.description).toContain(
      "[开源大模型与闭源大模型的全面对比](https://cloud.baidu.com/qianfanqa/article/open-vs-closed)** · 14 passages",
    );
    expect(embed?.description).toContain("**基于AI和全球化进程的权衡** · 41 passages");
    expect(embed?.fields?.[0]?.value).toMatch(/^<t:\d+:f>/);
  });

  it("/help explains the commands, in the user's locale", async () => {
    const i = h.fake.slashCommand({ name: "help", locale: "zh-CN" });
    await h.fake.waitFor(() => i.ack);
    expect(i.ack).toMatchObject({ type: 4, flags: 64 });
    const embed = (i.ack?.data?.embeds as Array<{ description: string }> | undefined)?.[0];
    expect(embed?.description).toContain("/ask question:");
    expect(embed?.description).toContain("最多 120 字");
  });

  it("/reindex is refused to a member without Manage Server and runs for one with it", async () => {
    const refused = h.fake.slashCommand({ name: "reindex", permissions: "member", locale: "en-US" });
    await h.fake.waitFor(() => refused.ack);
    expect(refused.ack).toMatchObject({ type: 4, flags: 64 });
    expect(refused.ack?.data?.content).toBe(MESSAGES.en.reindexRefused);
    expect(h.reindexCalls).toBe(0);

    const admin = h.fake.slashCommand({ name: "reindex", permissions: "admin", user: h.fake.user("admin") });
    const done = await h.fake.waitFor(() =>
      ((i) => (i?.content.startsWith("✅") ? i : undefined))(admin.original),
    );
    expect(admin.ack).toMatchObject({ type: 5, flags: 64 });
    expect(done.content).toContain("5 篇文章，1 篇更新，共 120 段");
    expect(h.reindexCalls).toBe(1);
  });
});

describe("failures", () => {
  it("an unreachable Ollama gives the honest message in the user's language, and the next question is answered", async () => {
    answerer.failNext(new UserError("ollama-unreachable", "fetch failed: ECONNREFUSED 127.0.0.1:11434"));
    const failed = h.fake.slashCommand({ name: "ask", options: { question: "开源模型会取代闭源吗？" } });
    const shown = await h.fake.waitFor(() => (failed.original?.content ? failed.original : undefined));
    await h.fake.waitFor(() => h.logs.some((l) => l.code === "ollama-unreachable"));
    expect(shown.content).toBe(MESSAGES.zh.userError["ollama-unreachable"]);
    expect(shown.embeds).toEqual([]);

    const next = h.fake.slashCommand({ name: "ask", options: { question: "开源模型的成本如何？" } });
    expect((await finalAnswer(next)).embeds[0]?.description).toBe(SAMPLE_ANSWER);
  });

  it("an unexpected error is logged with context and the user gets only a short apology", async () => {
    answerer.failNext(new TypeError("Cannot read properties of undefined (reading 'vectors')"));
    const msg = h.fake.mention("What changed in the index?", { user: h.fake.user("unlucky") });
    const reply = await botReplyTo(msg, "text");
    expect(reply.content).toBe(MESSAGES.en.genericError);
    const logged = await h.fake.waitFor(() => h.logs.find((l) => l.level === 50 && l.command === "mention"));
    expect(logged).toMatchObject({ userId: h.fake.user("unlucky").id, messageId: msg.id });
    expect(JSON.stringify(logged)).toContain("reading 'vectors'");
  });
});

describe("safety", () => {
  it("never lets an answer ping: every message write carries allowed_mentions.parse = []", async () => {
    answerer.behaviour.answer = () =>
      "@everyone 请注意 <@123456789012345678> 和 <@&987654321098765432>：开源更透明[1]。";
    try {
      const msg = h.fake.mention("有人想 @everyone 吗？");
      const reply = await botReplyTo(msg);
      expect(reply.embeds[0]?.description).toContain("@everyone");
    } finally {
      delete answerer.behaviour.answer;
    }
    const writes = h.fake.messageWrites();
    expect(writes.length).toBeGreaterThan(30);
    for (const w of writes) {
      const body = w.body as { allowed_mentions?: unknown; data?: { allowed_mentions?: unknown } };
      const allowed = (w.path.endsWith("/callback") ? body.data?.allowed_mentions : body.allowed_mentions) as
        | { parse?: unknown[]; replied_user?: boolean }
        | undefined;
      expect(allowed?.parse, `${w.method} ${w.path}`).toEqual([]);
      expect(allowed?.replied_user ?? false).toBe(false);
    }
  });

  it("identifies with the fewest intents: no MessageContent", () => {
    const GUILDS = 1 << 0;
    const GUILD_MESSAGES = 1 << 9;
    const DIRECT_MESSAGES = 1 << 12;
    const MESSAGE_CONTENT = 1 << 15;
    expect(h.fake.intents).toBe(GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES);
    expect(h.fake.intents & MESSAGE_CONTENT).toBe(0);
  });

  it("broke no Discord limit and never logged the token", () => {
    expect(h.fake.violations).toEqual([]);
    expect(h.rawLogs.join("\n")).not.toContain(h.fake.token);
    expect(h.rawLogs.length).toBeGreaterThan(10);
  });
});
