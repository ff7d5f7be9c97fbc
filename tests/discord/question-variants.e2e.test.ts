/**
 * Decorated questions through the local fake Discord and the real discord.js, on the REAL
 * pipeline (builtin embeddings, extractive answers) over the repo's corpus: a role mention, a
 * link and a code fence get the answer and first source the plain question gets, and a question
 * of invisible characters gets the "empty question" help in the user's locale (issue 14).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { MESSAGES } from "../../src/discord/messages.js";
import { COLORS } from "../../src/discord/render.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import type { FakeInteraction, FakeMessage } from "../fakes/discord/server.js";
import { REPO } from "../helpers/app.js";

const SECURITY = "开源和闭源在安全性方面有什么区别？";
const GPT3 = "GPT-3 有多少参数？";
const CUSTOM = "开源和闭源大模型在定制性方面有什么区别？";

let h: Harness;
let indexDir: string;

beforeAll(async () => {
  indexDir = await mkdtemp(path.join(tmpdir(), "variants-index-"));
  h = await startHarness({
    env: {
      CORPUS_DIR: path.join(REPO, "corpus"),
      INDEX_DIR: indexDir,
      CHAT_PROVIDER: "extractive",
      EMBEDDING_PROVIDER: "builtin",
    },
    pipeline: async (config, logger) => {
      const app = await createApp(config, { logger });
      await app.reindex();
      return {
        answerer: app.answerer,
        describeIndex: () => app.describeIndex(),
        reindex: (onProgress) => app.reindex(onProgress),
        close: () => app.close(),
      };
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await rm(indexDir, { recursive: true, force: true });
});

type Shown = { title: string; color: number | undefined; firstSource: string };

function shown(message: FakeMessage, last: FakeMessage): Shown {
  return {
    title: message.embeds[0]?.title ?? "",
    color: last.embeds[0]?.color,
    firstSource: last.embeds[0]?.fields?.[0]?.value.split("\n")[0] ?? "",
  };
}

async function viaSlash(question: string): Promise<Shown> {
  const i: FakeInteraction = h.fake.slashCommand({ name: "ask", options: { question } });
  const original = await h.fake.waitFor(() => {
    const last = i.followUps.at(-1) ?? i.original;
    return last?.components.length && i.original?.embeds.length ? i.original : undefined;
  }, 20_000);
  return shown(original, i.followUps.at(-1) ?? original);
}

async function viaMention(question: string): Promise<Shown> {
  const msg = h.fake.mention(question);
  const replies = () => h.fake.repliesTo(msg.id).filter((m) => m.author.id === h.fake.ids.bot);
  const first = await h.fake.waitFor(
    () => replies().find((m) => m.embeds.length > 0 && m.components.length > 0) ?? undefined,
    20_000,
  );
  return shown(first, first);
}

describe("decorated questions in Discord, on the real pipeline", () => {
  it("/ask with a role mention is answered like the plain question; the title shows what was typed", async () => {
    const plain = await viaSlash(SECURITY);
    expect(plain.color).toBe(COLORS.answer);
    expect(plain.firstSource).toMatch(/^\[1\] /);
    const decorated = `<@&123456789012345678> ${SECURITY}`;
    const got = await viaSlash(decorated);
    expect(got.color).toBe(plain.color);
    expect(got.firstSource).toBe(plain.firstSource);
    expect(got.title).toBe(decorated);
    expect(h.fake.violations).toEqual([]);
  });

  it("@bot with a link before the question is answered like the plain question", async () => {
    const plain = await viaMention(GPT3);
    const got = await viaMention(`https://example.com/gpt-3?ref=discord ${GPT3}`);
    expect(plain.color).toBe(COLORS.answer);
    expect(got.color).toBe(plain.color);
    expect(got.firstSource).toBe(plain.firstSource);
  });

  it("/ask with the question in a code fence is answered like the plain question", async () => {
    const plain = await viaSlash(CUSTOM);
    const got = await viaSlash(`\`\`\`text\n${CUSTOM}\n\`\`\``);
    expect(plain.color).toBe(COLORS.answer);
    expect(got.color).toBe(plain.color);
    expect(got.firstSource).toBe(plain.firstSource);
  });

  it("/ask of only zero-width characters gets the empty-question help in the user's locale", async () => {
    for (const [locale, lang] of [
      ["zh-CN", "zh"],
      ["en-US", "en"],
    ] as const) {
      const i = h.fake.slashCommand({ name: "ask", options: { question: "\u200b\u200b\u200d" }, locale });
      await h.fake.waitFor(() => i.ack);
      expect(i.ack).toMatchObject({ type: 4, flags: 64 });
      expect(i.ack?.data?.content).toBe(MESSAGES[lang].emptyQuestion);
    }
  });

  it("@bot with only @everyone and a link gets the empty-question help, not a refusal", async () => {
    const msg = h.fake.mention("@everyone https://example.com");
    const help = await h.fake.waitFor(() =>
      h.fake.repliesTo(msg.id).find((m) => m.author.id === h.fake.ids.bot && m.content.length > 0),
    );
    expect(help.content).toContain(MESSAGES.zh.emptyQuestion);
    expect(help.embeds).toEqual([]);
  });
});
