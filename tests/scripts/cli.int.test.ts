/**
 * The one error wrapper every entry script runs in (scripts/cli.ts), seen from outside: real
 * processes, their stderr and exit codes. Runs in an empty directory so no .env is read.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/app.js";
import { collectOutput } from "../helpers/process.js";

const TSX = path.join(REPO, "node_modules/tsx/dist/cli.mjs");
const FIXTURE = path.join(REPO, "tests/scripts/fixtures/fail-with.ts");
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), "llm-bot-entry-"));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, script, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    });
    collectOutput(child).then(resolve, reject);
  });
}

const STACK_FRAME = /^\s+at /m;

describe("runCli", () => {
  it("prints a UserError as one line, without a stack, and exits 1", async () => {
    const r = await run(FIXTURE, ["user-error"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: no index at /tmp/x: run "npm run ingest" first\n');
    expect(r.stdout).toBe("");
  });

  it("prints a ConfigError's problems, without a stack, and exits 1", async () => {
    const r = await run(FIXTURE, ["config-error"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid settings/);
    expect(r.stderr).toContain("RETRIEVAL_K: must be at most 20");
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("logs anything else with its stack, and ends with one short line for the user", async () => {
    const r = await run(FIXTURE, ["plain-error"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("error: unexpected failure: disk on fire (details logged above)");
    // The log record holds the stack, for whoever reads the log.
    expect(lines.slice(0, -1).join("\n")).toContain("at ");
    expect(lines[0]).toMatch(/^error: unexpected failure \(err=/);
  });

  it("LOG_FORMAT=json turns the log record into one JSON line; the user's line stays plain", async () => {
    const r = await run(FIXTURE, ["plain-error"], { LOG_FORMAT: "json" });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const record = JSON.parse(lines[0] ?? "");
    expect(record).toMatchObject({
      level: 50,
      msg: "unexpected failure",
      err: { message: expect.any(String) },
    });
    expect(record.err.stack).toContain("at ");
    expect(lines[1]).toBe("error: unexpected failure: disk on fire (details logged above)");
  });

  it("a bad LOG_FORMAT is a settings problem like any other", async () => {
    const r = await run(FIXTURE, ["fine"], { LOG_FORMAT: "yaml" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid settings/);
    expect(r.stderr).toContain("LOG_FORMAT:");
  });

  it("exits with the code main returns", async () => {
    const r = await run(FIXTURE, ["fine"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("");
  });
});

describe("a bad flag is a usage error, not a crash", () => {
  it("npm run eval -- --bogus prints the problem and the usage, no stack, exit 2", async () => {
    const r = await run(path.join(REPO, "scripts/eval.ts"), ["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option --bogus\nusage: npm run eval -- /);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toContain("unexpected failure");
  });

  it("npm run eval -- --k abc says what --k takes", async () => {
    const r = await run(path.join(REPO, "scripts/eval.ts"), ["--k", "abc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --k takes a whole number from 1 to 20\nusage: /);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("npm run bench -- --bogus likewise", async () => {
    const r = await run(path.join(REPO, "scripts/bench.ts"), ["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option --bogus\nusage: npm run bench -- /);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("register-commands without a token says which setting is missing, no stack", async () => {
    const r = await run(path.join(REPO, "scripts/register-commands.ts"), []);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid settings/);
    expect(r.stderr).toContain("DISCORD_TOKEN: not set");
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});
