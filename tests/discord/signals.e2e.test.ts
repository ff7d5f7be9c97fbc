/**
 * `npm start` and two SIGTERMs: the real bot script, its real pipeline (a one-article corpus,
 * chat through a FakeOllama that never answers) and discord.js against the fake Discord. The first
 * signal waits for answers in flight; the second must tell their users (and those still queued)
 * that the bot is restarting before the process exits with a failure.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/discord/messages.js";
import { FakeDiscord } from "../fakes/discord/server.js";
import { FakeOllama } from "../fakes/ollama-server.js";
import { collectOutput } from "../helpers/process.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");
const ARTICLE = "open-vs-closed-llm-full-comparison.txt";

describe("npm start and a second SIGTERM", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("tells the answer in flight and the queued question to ask again, then exits 1", async () => {
    const discord = await FakeDiscord.start();
    cleanup.push(() => discord.close());
    const ollama = new FakeOllama();
    const { url } = await ollama.start();
    cleanup.push(() => ollama.close());
    const cwd = await mkdtemp(path.join(tmpdir(), "bot-signals-"));
    cleanup.push(() => rm(cwd, { recursive: true, force: true }));
    await mkdir(path.join(cwd, "corpus"));
    await copyFile(path.join(REPO, "corpus", ARTICLE), path.join(cwd, "corpus", ARTICLE));

    child = spawn(process.execPath, [TSX, path.join(REPO, "scripts/bot.ts")], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        NO_COLOR: "1",
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        CHAT_PROVIDER: "ollama",
        OLLAMA_HOST: url,
        ANSWER_CONCURRENCY: "1",
      },
    });
    const output = collectOutput(child);
    let stderr = "";
    child.stderr?.on("data", (d: string) => {
      stderr += d;
    });
    await discord.waitForReady(60_000);

    // From now on the model accepts questions and never answers.
    ollama.hang = true;
    const running = discord.slashCommand({
      name: "ask",
      options: { question: "开源大模型和闭源大模型在透明度上有什么区别？" },
    });
    await discord.waitFor(() => ollama.requestsTo("/api/chat").length > 0, 30_000);
    const queued = discord.slashCommand({
      name: "ask",
      user: discord.user("queued"),
      options: { question: "闭源大模型的成本如何？" },
    });
    await discord.waitFor(() => queued.original?.content.startsWith("排队中"), 30_000);

    child.kill("SIGTERM");
    await discord.waitFor(() => stderr.includes("stopping: finishing answers in flight"), 30_000);
    expect(running.original?.content).not.toBe(MESSAGES.zh.shuttingDown);
    child.kill("SIGTERM");
    const result = await output;

    expect(result.code, result.stderr).toBe(1);
    expect(running.original?.content).toBe(MESSAGES.zh.shuttingDown);
    expect(queued.original?.content).toBe(MESSAGES.zh.shuttingDown);
    expect(result.stderr).toContain("second signal");
    expect(result.stderr).not.toContain(discord.token);
  }, 120_000);
});
