/**
 * Fatal gateway closes (4004, 4010-4014): discord.js will not reconnect, so the bot logs one line
 * naming the fix and `npm start` exits with a failure a supervisor can see. The real bot script
 * and the real discord.js Client run against the fake, which closes the gateway with each code.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createBot, GatewayClosedError } from "../../src/discord/index.js";
import { createLogger } from "../../src/logger.js";
import { FakeAnswerer } from "../fakes/answerer.js";
import { type Harness, SAMPLE_INDEX, startHarness } from "../fakes/discord/harness.js";
import { FakeDiscord } from "../fakes/discord/server.js";
import { collectOutput } from "../helpers/process.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");

/** `npm start`'s script against a fake that closes the gateway on IDENTIFY with `code`. */
async function runBotScript(code: number) {
  const fake = await FakeDiscord.start({ closeOnIdentify: code });
  const cwd = await mkdtemp(path.join(tmpdir(), "bot-fatal-"));
  try {
    await mkdir(path.join(cwd, "corpus"));
    await writeFile(
      path.join(cwd, "corpus", "a.md"),
      "# 开源\n\n开源大模型的代码和权重公开，研究者可以复现和审计。\n",
    );
    const child = spawn(process.execPath, [TSX, path.join(REPO, "scripts/bot.ts")], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        NO_COLOR: "1",
      },
    });
    const out = await collectOutput(child);
    return { ...out, token: fake.token, identifies: fake.identifies.length };
  } finally {
    await fake.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

describe("npm start after a fatal gateway close", () => {
  it("4004 and 4014: one log line naming the fix, exit 1", async () => {
    const [badToken, intents] = await Promise.all([runBotScript(4004), runBotScript(4014)]);
    for (const [run, code, fix] of [
      [badToken, 4004, "reset it in the Developer Portal → Bot and update DISCORD_TOKEN"],
      [intents, 4014, "Privileged Gateway Intents"],
    ] as const) {
      expect(run.identifies).toBe(1);
      expect(run.code).toBe(1);
      const records = run.stderr
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string; code?: number });
      const problems = records.filter((r) => r.level >= 40);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ level: 60, code });
      expect(problems[0]?.msg).toContain(`gateway close ${code}`);
      expect(problems[0]?.msg).toContain(fix);
      expect(run.stderr).not.toContain(run.token);
      expect(run.stdout).toBe("");
    }
  }, 60_000);
});

describe("the bot after a fatal gateway close", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it.each([4010, 4011, 4012, 4013])(
    "%i before READY: start() rejects with the fix, logged once",
    async (code) => {
      const fake = await FakeDiscord.start({ closeOnIdentify: code });
      const lines: Array<{ level: number; msg: string; code?: number }> = [];
      const logger = createLogger("debug", {
        destination: { write: (l: string) => lines.push(JSON.parse(l)) },
      });
      const bot = createBot({
        config: loadConfig({ env: { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl } }),
        logger,
        answerer: new FakeAnswerer(),
        describeIndex: async () => SAMPLE_INDEX,
        reindex: async () => "",
      });
      try {
        const failure = await bot.start(fake.token).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(GatewayClosedError);
        expect((failure as GatewayClosedError).code).toBe(code);
        expect(await bot.fatal).toBe(failure);
        const problems = lines.filter((l) => l.level >= 40);
        expect(problems).toEqual([
          expect.objectContaining({ level: 60, code, msg: (failure as Error).message }),
        ]);
        expect((failure as Error).message).toMatch(new RegExp(`\\(gateway close ${code}\\): \\S`));
      } finally {
        await bot.stop({ timeoutMs: 1000 });
        await fake.close();
      }
    },
  );

  it("after READY: a 4014 close resolves bot.fatal and logs the fix", async () => {
    h = await startHarness();
    h.fake.closeGateway(4014);
    const err = await h.bot.fatal;
    expect(err.code).toBe(4014);
    expect(h.logs.filter((l) => l.level === 60).map((l) => l.msg)).toEqual([err.message]);
    expect(err.message).toContain("Privileged Gateway Intents");
  });
});
