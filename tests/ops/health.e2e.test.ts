/**
 * The health file (src/discord/health.ts) written by a real discord.js client connected to the
 * local fake Discord, and scripts/healthcheck.ts judging it.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiscordClient } from "../../src/discord/client.js";
import { gatewayIsReady, type HealthRecord, writeHealthFileWhileReady } from "../../src/discord/health.js";
import { silentLogger } from "../../src/logger.js";
import { FakeDiscord } from "../fakes/discord/server.js";
import { collectOutput } from "../helpers/process.js";
import { REPO } from "./production.js";

const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "health-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the bot's health file", () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("is written once the gateway is ready, rewritten while it stays ready, and removed on stop", async () => {
    fake = await FakeDiscord.start();
    const file = path.join(dir, "data", "health.json");
    const client = createDiscordClient({
      discord: { apiUrl: fake.apiUrl, token: undefined, clientId: undefined, guildId: undefined },
    });
    const writer = writeHealthFileWhileReady(client, file, silentLogger, { intervalMs: 50 });
    try {
      expect(existsSync(file)).toBe(false);
      await client.login(fake.token);
      await fake.waitFor(() => existsSync(file));
      expect(gatewayIsReady(client)).toBe(true);
      const record = JSON.parse(await readFile(file, "utf8")) as HealthRecord;
      expect(record).toMatchObject({
        intervalMs: 50,
        pid: process.pid,
        shards: [{ id: 0, status: "Ready" }],
      });

      const first = record.writtenAt;
      await fake.waitFor(() => (JSON.parse(readFileSync(file, "utf8")) as HealthRecord).writtenAt !== first);
    } finally {
      await writer.stop();
      await client.destroy();
    }
    expect(existsSync(file)).toBe(false);
    expect(gatewayIsReady(client)).toBe(false);
  });

  it("removes the file of an earlier run before this one is ready", async () => {
    const file = path.join(dir, "health.json");
    await writeFile(file, JSON.stringify({ intervalMs: 15_000, pid: process.pid }));
    const client = createDiscordClient({
      discord: {
        apiUrl: "http://127.0.0.1:9/api",
        token: undefined,
        clientId: undefined,
        guildId: undefined,
      },
    });
    const writer = writeHealthFileWhileReady(client, file, silentLogger);
    await writer.stop();
    expect(existsSync(file)).toBe(false);
  });
});

describe("scripts/healthcheck.ts", () => {
  const run = (env: Record<string, string>, args: string[] = []) =>
    collectOutput(
      spawn(process.execPath, [TSX, path.join(REPO, "scripts/healthcheck.ts"), ...args], { cwd: dir, env }),
    );
  const record = (over: Partial<HealthRecord> = {}) =>
    JSON.stringify({
      writtenAt: new Date().toISOString(),
      intervalMs: 15_000,
      pid: process.pid,
      shards: [],
      ...over,
    });

  it("exit 0 for a fresh file written by a live process", async () => {
    const file = path.join(dir, "health.json");
    await writeFile(file, record());
    const r = await run({ HEALTH_FILE: file });
    expect(r.stdout).toMatch(/^healthy: connected to Discord; health file written \d+ s ago\n$/);
    expect(r.code).toBe(0);
  });

  it("exit 1 when the file is missing, stale, not JSON, or its process is gone", async () => {
    const file = path.join(dir, "health.json");
    const missing = await run({ HEALTH_FILE: file });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`unhealthy: no health file at ${file}`);

    // Four missed writes of a 15 s interval make it stale: 2 minutes old is, 20 s old is not.
    await writeFile(file, record());
    const now = Date.now() / 1000;
    await utimes(file, now - 120, now - 120);
    const stale = await run({ HEALTH_FILE: file });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/^unhealthy: health file last written 1\d\d s ago \(limit 60 s\)/);
    await utimes(file, now - 20, now - 20);
    expect((await run({ HEALTH_FILE: file })).code).toBe(0);
    expect((await run({ HEALTH_FILE: file }, ["--max-age", "10"])).code).toBe(1);

    await writeFile(file, "{ half a rec");
    const garbled = await run({ HEALTH_FILE: file });
    expect(garbled.code).toBe(1);
    expect(garbled.stdout).toContain("not JSON");

    const gone = spawn(process.execPath, ["-e", ""]);
    await collectOutput(gone);
    await writeFile(file, record({ pid: gone.pid as number }));
    const dead = await run({ HEALTH_FILE: file });
    expect(dead.code).toBe(1);
    expect(dead.stdout).toContain(`the bot process ${gone.pid} that wrote ${file} has exited`);
  });

  it("--help on stdout; a bad flag exits 1 (Docker reserves 2) with the usage", async () => {
    const help = await run({}, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: npm run healthcheck");
    const bad = await run({}, ["--max-age", "soon"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--max-age must be a number of seconds above 0, not "soon"');
    expect(bad.stderr).toContain("usage:");
    const unknown = await run({}, ["--maxage", "3"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--maxage");
  });
});
