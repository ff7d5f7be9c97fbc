/**
 * The production start, exactly as `npm start` and the Docker image run it (`node dist/…`, the
 * command read from package.json), from a directory holding the runtime dependencies only, against
 * the local fake Discord: it builds the missing index, answers a question, keeps the health file
 * the container healthcheck reads, and exits 0 on SIGTERM. Needs `npm run build` first; .ci/run
 * builds before it tests.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../src/discord/commands/registry.js";
import { FakeDiscord, type FakeInteraction } from "../fakes/discord/server.js";
import { collectOutput } from "../helpers/process.js";
import { npmScriptArgv, productionInstall, REPO, whyNoBuild } from "./production.js";

const missingBuild = whyNoBuild();

/** `node file …` from package.json, run with this Node (the one the tests run on). */
function nodeCommand(script: string): string[] {
  const [program, ...args] = npmScriptArgv(script);
  if (program !== "node") throw new Error(`"npm run ${script}" should run node directly, not ${program}`);
  return args;
}

function finalAnswer(fake: FakeDiscord, i: FakeInteraction) {
  return fake.waitFor(() => {
    const last = i.followUps.at(-1) ?? i.original;
    return last?.components.length && i.original?.embeds.length ? i.original : undefined;
  }, 20_000);
}

describe.skipIf(missingBuild !== null)(
  missingBuild ? `production start (skipped: ${missingBuild})` : "production start (npm start = node dist/…)",
  () => {
    let fake: FakeDiscord;
    let install: Awaited<ReturnType<typeof productionInstall>>;
    let work: string;
    let env: Record<string, string>;
    let child: ChildProcess | undefined;
    let stderr = "";
    let exited: Promise<number | null>;

    const healthcheck = () => {
      const probe = spawn(process.execPath, nodeCommand("healthcheck"), { cwd: install.dir, env });
      return collectOutput(probe);
    };

    beforeAll(async () => {
      fake = await FakeDiscord.start();
      install = await productionInstall();
      work = await mkdtemp(path.join(tmpdir(), "prod-start-"));
      env = {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        CORPUS_DIR: path.join(REPO, "corpus"),
        INDEX_DIR: path.join(work, "index"),
        FEEDBACK_FILE: path.join(work, "feedback.jsonl"),
        HEALTH_FILE: path.join(work, "health.json"),
        LOG_LEVEL: "info",
      };
    });
    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await fake?.close();
      await install?.remove();
      await rm(work, { recursive: true, force: true });
    });

    it("has no dev dependency to lean on", () => {
      for (const dev of ["tsx", "typescript", "vitest", "@biomejs/biome"]) {
        expect(existsSync(path.join(install.dir, "node_modules", dev)), dev).toBe(false);
      }
      expect(existsSync(path.join(install.dir, "node_modules", "discord.js"))).toBe(true);
    });

    it("starts its worker threads (passages, HNSW graph) from dist/ without tsx", async () => {
      // Neither worker runs in the small ingest above (they start at thousands of passages or
      // with model embeddings), so they are started here directly from the build.
      const check = path.join(install.dir, "check-workers.mjs");
      await writeFile(
        check,
        `import { BuiltinEmbeddings } from "./dist/src/embed/builtin.js";
import { PassageWorkers } from "./dist/src/ingest/passage-workers.js";
import { HnswDenseIndex } from "./dist/src/store/dense/hnsw.js";
import { sharedTokenizer } from "./dist/src/text/tokenizer.js";
const embeddings = new BuiltinEmbeddings(sharedTokenizer());
const pool = await PassageWorkers.start(embeddings.id, 1);
if (!pool) throw new Error("the passage worker did not start");
const work = await pool.run(["开源大模型"], ["开源大模型的优势"]);
await pool.close();
const builder = HnswDenseIndex.builder(4, 2);
builder.put(0, [1, 0, 0, 0]);
builder.put(1, [0, 1, 0, 0]);
const graph = await builder.build(["first", "second"]);
console.log(JSON.stringify({
  vectors: work.vectors.length / embeddings.dimension,
  terms: work.passages[0].terms.length > 0,
  nearest: graph.search([0, 1, 0, 0], 1)[0].id,
}));
`,
      );
      const r = await collectOutput(spawn(process.execPath, [check], { cwd: install.dir, env: {} }));
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({ vectors: 1, terms: true, nearest: "second" });
      expect(r.code).toBe(0);
    });

    it("registers the commands from dist/ (the command compose.yaml documents)", async () => {
      const register = spawn(process.execPath, ["dist/scripts/register-commands.js"], {
        cwd: install.dir,
        env: { ...env, DISCORD_CLIENT_ID: fake.ids.application, DISCORD_GUILD_ID: fake.ids.guild },
      });
      const r = await collectOutput(register);
      expect(r.stdout).toContain(`in server ${fake.ids.guild}`);
      expect(r.code).toBe(0);
      expect(
        (fake.registeredCommands.guild.get(fake.ids.guild) ?? [])
          .map((c) => (c as { name: string }).name)
          .sort(),
      ).toEqual([...COMMAND_NAMES].sort());
    });

    it("is unhealthy before the bot runs", async () => {
      const r = await healthcheck();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^unhealthy: no health file at /);
    });

    it("builds the missing index, connects, and reports healthy", async () => {
      child = spawn(process.execPath, nodeCommand("start"), { cwd: install.dir, env });
      child.stderr?.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
      });
      exited = collectOutput(child).then((r) => r.code);
      await fake.waitFor(() => stderr.includes("discord bot ready") || child?.exitCode !== null, 60_000);
      expect(stderr).toContain("no index yet: building it from the corpus");
      expect(stderr).toContain("discord bot ready");

      await fake.waitFor(() => existsSync(env.HEALTH_FILE as string), 10_000);
      const record = JSON.parse(await readFile(env.HEALTH_FILE as string, "utf8"));
      expect(record).toMatchObject({ pid: child.pid, shards: [{ id: 0, status: "Ready" }] });
      const r = await healthcheck();
      expect(r.stdout).toMatch(/^healthy: connected to Discord/);
      expect(r.code).toBe(0);
    });

    it("answers /ask from the articles", async () => {
      const i = fake.slashCommand({ name: "ask", options: { question: "GPT-3 有多少参数？" } });
      const original = await finalAnswer(fake, i);
      expect(i.ack?.type).toBe(5);
      expect(original.embeds[0]?.description).toContain("1750亿");
      expect(fake.violations).toEqual([]);
    });

    it("exits 0 on SIGTERM, removes its health file, and never logged the token", async () => {
      child?.kill("SIGTERM");
      let deadline: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<"still running">((resolve) => {
          deadline = setTimeout(() => resolve("still running"), 15_000);
        }),
      ]);
      clearTimeout(deadline);
      expect(code).toBe(0);
      expect(stderr).toContain("discord bot stopped");
      expect(existsSync(env.HEALTH_FILE as string)).toBe(false);
      expect(stderr).not.toContain(fake.token);
      const r = await healthcheck();
      expect(r.code).toBe(1);
    });
  },
);
