/**
 * The bot on the REAL pipeline (createApp: builtin embeddings, extractive answers, no model) over
 * the repo's corpus, indexed into a temporary INDEX_DIR; Discord is the local fake. Also runs
 * scripts/bot.ts itself (`npm run dev`; tests/ops/production-start.e2e.test.ts runs `npm start` from dist/) against the fake, and stops it with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import { FakeDiscord, type FakeInteraction } from "../fakes/discord/server.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = path.join(REPO, "corpus");
const GLOBALIZATION = "【大模型】 基于AI和全球化进程的权衡：开源大模型与闭源大模型";

function finalAnswer(fake: FakeDiscord, i: FakeInteraction) {
  return fake.waitFor(() => {
    const last = i.followUps.at(-1) ?? i.original;
    return last?.components.length && i.original?.embeds.length ? i.original : undefined;
  }, 20_000);
}

describe("the bot on the real pipeline", () => {
  let h: Harness;
  let indexDir: string;
  beforeAll(async () => {
    indexDir = await mkdtemp(path.join(tmpdir(), "bot-app-index-"));
    h = await startHarness({
      env: {
        CORPUS_DIR: CORPUS,
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

  it("/ask is acknowledged within 3 s and ends with an embed citing the right article", async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "GPT-3 有多少参数？" } });
    const original = await finalAnswer(h.fake, i);
    expect(i.ack?.type).toBe(5);
    expect(i.ack?.latencyMs).toBeLessThan(3000);
    const last = i.followUps.at(-1) ?? original;
    const embed = last.embeds[0];
    expect(original.embeds[0]?.title).toBe("GPT-3 有多少参数？");
    expect(original.embeds[0]?.description).toContain("1750亿");
    expect(embed?.fields?.[0]?.value).toMatch(
      new RegExp(`\\[1\\] ${GLOBALIZATION.replace(/[[\]()]/g, "\\$&")} › .*GPT-3`),
    );
    expect(embed?.footer?.text).toContain("模型：extractive · 嵌入：builtin");

    const passages = (last.components as Array<{ components: Array<{ custom_id: string }> }>)[0]
      ?.components[0];
    const click = h.fake.click({ customId: passages?.custom_id ?? "", messageId: last.id });
    await h.fake.waitFor(() => click.ack);
    expect(JSON.stringify(click.ack?.data?.embeds)).toContain("1750亿");
    expect(h.fake.violations).toEqual([]);
  });

  it("answers an English mention from the articles, with citations", async () => {
    const msg = h.fake.mention("What are the disadvantages of closed-source models?");
    const reply = await h.fake.waitFor(
      () => h.fake.repliesTo(msg.id).find((m) => m.embeds.length > 0 && m.components.length > 0),
      20_000,
    );
    expect(reply.embeds[0]?.description).toMatch(/\[\d+\]/);
    expect(reply.embeds[0]?.fields?.[0]?.value).toMatch(/^\[1\] /);
  });

  it("/sources lists the five articles; /reindex finds nothing changed", async () => {
    const sources = h.fake.slashCommand({ name: "sources", locale: "en-US" });
    const shown = await h.fake.waitFor(() =>
      sources.original?.embeds.length ? sources.original : undefined,
    );
    expect(shown.embeds[0]?.title).toBe("Articles in the index (5)");
    expect(shown.embeds[0]?.description).toContain("开源大模型与闭源大模型的全面对比");
    expect(shown.embeds[0]?.description).toMatch(/\d+ passages/);

    const reindex = h.fake.slashCommand({ name: "reindex", permissions: "admin", locale: "en-US" });
    const done = await h.fake.waitFor(
      () => (reindex.original?.content.startsWith("✅") ? reindex.original : undefined),
      20_000,
    );
    expect(done.content).toMatch(/0 added, 0 changed, 5 unchanged/);
  });
});

describe("npm run dev (scripts/bot.ts under tsx) against the fake Discord", () => {
  let fake: FakeDiscord;
  let child: ChildProcess | undefined;
  let workDir: string;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    workDir = await mkdtemp(path.join(tmpdir(), "bot-start-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await fake?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("builds the missing index, answers /ask, and exits 0 on SIGTERM without logging the token", async () => {
    let stderr = "";
    child = spawn(
      process.execPath,
      [path.join(REPO, "node_modules/tsx/dist/cli.mjs"), path.join(REPO, "scripts/bot.ts")],
      {
        cwd: workDir,
        env: {
          DISCORD_TOKEN: fake.token,
          DISCORD_API_URL: fake.apiUrl,
          CORPUS_DIR: CORPUS,
          INDEX_DIR: path.join(workDir, "index"),
          FEEDBACK_FILE: path.join(workDir, "feedback.jsonl"),
          LOG_LEVEL: "info",
        },
      },
    );
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child?.on("close", (code) => resolve(code)));
    await fake.waitFor(() => stderr.includes("discord bot ready"), 30_000);
    expect(stderr).toContain("no index yet: building it from the corpus");

    const i = fake.slashCommand({ name: "ask", options: { question: "GPT-3 有多少参数？" } });
    const original = await finalAnswer(fake, i);
    expect(i.ack?.latencyMs).toBeLessThan(3000);
    expect(original.embeds[0]?.description).toContain("1750亿");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("discord bot stopped");
    expect(stderr).not.toContain(fake.token);
  });
});
