/**
 * Operator commands against the local Discord fake, run as real processes: registering in one
 * scope warns when the other holds the same commands (each would show twice), `--clear
 * [--guild]` removes them, and a token Discord rejects is one readable line and exit 1, in
 * register-commands and at bot start-up, never echoing the token.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandDefinitions } from "../../src/discord/commands/registry.js";
import { TOKEN_REJECTED } from "../../src/discord/token.js";
import { FakeDiscord } from "../fakes/discord/server.js";
import { runScript, STACK_FRAME } from "./run-script.js";

let fake: FakeDiscord;
let cwd = "";
const NAMES = commandDefinitions({ maxQuestionLength: 500 }).map((c) => c.name);
const LISTED = NAMES.map((n) => `/${n}`).join(", ");

beforeAll(async () => {
  fake = await FakeDiscord.start();
  cwd = await mkdtemp(path.join(tmpdir(), "register-commands-"));
});
afterAll(async () => {
  await fake.close();
  await rm(cwd, { recursive: true, force: true });
});

const discordEnv = (extra: Record<string, string> = {}) => ({
  DISCORD_TOKEN: fake.token,
  DISCORD_CLIENT_ID: fake.ids.application,
  DISCORD_API_URL: fake.apiUrl,
  LOG_LEVEL: "silent",
  ...extra,
});
const register = (args: string[], extra: Record<string, string> = {}) =>
  runScript("register-commands", args, { cwd, env: discordEnv(extra) });
const registeredNames = (list: unknown[] | null | undefined) =>
  (list ?? []).map((c) => (c as { name: string }).name);

describe("npm run register-commands", () => {
  it("registers in the guild without a warning while nothing is registered globally", async () => {
    const r = await register([], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`Registered ${LISTED} in server ${fake.ids.guild}.\n`);
  }, 60_000);

  it("registering globally as well warns that each command shows twice in that server, and how to fix it", async () => {
    const r = await register([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Registered ${LISTED} globally (may take up to an hour).\n`);
    expect(r.stderr).toBe(
      `warning: server ${fake.ids.guild} also has its own registration of ${LISTED}, so each shows twice there. Remove it with: DISCORD_GUILD_ID=${fake.ids.guild} npm run register-commands -- --clear --guild\n`,
    );
    expect(registeredNames(fake.registeredCommands.global)).toEqual(NAMES);
  }, 60_000);

  it("registering in the guild again warns about the global registration", async () => {
    const r = await register([], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `warning: ${LISTED} are also registered globally, so each shows twice in server ${fake.ids.guild}. Remove the global ones with: npm run register-commands -- --clear\n`,
    );
  }, 60_000);

  it("--clear removes the global commands; the guild registration then stands alone", async () => {
    const r = await register(["--clear"], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `Removed ${LISTED} registered globally (Discord clients may show them for up to an hour).\n`,
    );
    expect(fake.registeredCommands.global).toEqual([]);
    expect(registeredNames(fake.registeredCommands.guild.get(fake.ids.guild))).toEqual(NAMES);
    const again = await register([], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
  }, 60_000);

  it("--clear --guild removes the server's commands; a second run has nothing to clear", async () => {
    const r = await register(["--clear", "--guild"], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Removed ${LISTED} registered in server ${fake.ids.guild}.\n`);
    expect(fake.registeredCommands.guild.get(fake.ids.guild)).toEqual([]);
    const again = await register(["--clear", "--guild"], { DISCORD_GUILD_ID: fake.ids.guild });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`No commands were registered in server ${fake.ids.guild}; nothing to clear.\n`);
  }, 60_000);

  it("--clear --guild without DISCORD_GUILD_ID: every missing setting in one message", async () => {
    const r = await runScript("register-commands", ["--clear", "--guild"], {
      cwd,
      env: { DISCORD_API_URL: fake.apiUrl, CHUNK_SIZE: "many" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid settings/);
    for (const name of [
      "CHUNK_SIZE",
      "DISCORD_TOKEN: not set",
      "DISCORD_CLIENT_ID: not set",
      "DISCORD_GUILD_ID: not set",
    ])
      expect(r.stderr).toContain(name);
  }, 60_000);
});

describe("a token Discord rejects", () => {
  // Well-formed (it passes the settings check) but not the fake's: Discord answers 401.
  const revoked = `${Buffer.from("123456789012345678").toString("base64url")}.GhIjKl.revokedrevokedrevokedrevoked00`;

  it("register-commands: one readable line, exit 1, the token nowhere", async () => {
    const r = await register([], { DISCORD_TOKEN: revoked, LOG_LEVEL: "info" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error: ${TOKEN_REJECTED}\n`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(revoked);
  }, 60_000);

  it("bot start-up: the same line last, exit 1; a missing corpus before it is a message, not a stack", async () => {
    const missingCorpus = path.join(cwd, "no-corpus");
    const r = await runScript("bot", [], {
      cwd,
      env: {
        ...discordEnv({ DISCORD_TOKEN: revoked, LOG_LEVEL: "info" }),
        CORPUS_DIR: missingCorpus,
        INDEX_DIR: path.join(cwd, "index"),
      },
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`error: ${TOKEN_REJECTED}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(revoked);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    // The bot's log is JSON by default; the failed first build is one record with the problem.
    const records = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    const build = records.find((rec) => rec.msg === "could not build the index; /reindex can retry");
    expect(build?.problem).toContain(`the corpus folder ${missingCorpus} does not exist`);
    expect(build?.err).toBeUndefined();
  }, 60_000);
});
