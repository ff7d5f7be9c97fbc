/**
 * Every entry script parses its flags strictly (scripts/cli.ts readFlags): an unknown flag or a
 * bad value is one `error:` line plus the usage on stderr and exit 2, before any setting is read
 * or any work starts; `--help` and `-h` print the usage on stdout and exit 0.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript, STACK_FRAME } from "./run-script.js";

const SCRIPTS = ["ask", "ingest", "inspect", "eval", "eval-clean", "bench", "register-commands", "bot"];
let cwd = "";

beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), "llm-bot-flags-"));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

// A setting that would fail: flags are handled before settings, so help and flag errors still work.
const BROKEN_SETTINGS = { EMBEDDING_PROVIDER: "magic" };

describe.each(SCRIPTS)("scripts/%s.ts", (script) => {
  it("refuses an unknown flag with one line and the usage on stderr, exit 2; --help goes to stdout, exit 0", async () => {
    const [unknown, help] = await Promise.all([
      runScript(script, ["--jsn"], { cwd, env: BROKEN_SETTINGS }),
      runScript(script, ["--help"], { cwd, env: BROKEN_SETTINGS }),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    const lines = unknown.stderr.split("\n");
    expect(lines[0]).toBe("error: unknown option --jsn");
    expect(lines[1]).toMatch(/^usage: npm /);
    expect(unknown.stderr).not.toMatch(STACK_FRAME);
    expect(unknown.stderr).not.toContain("EMBEDDING_PROVIDER");

    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout).toMatch(/^usage: npm /);
    expect(help.stdout).toContain("-h, --help");
  }, 60_000);
});

// The messages themselves are checked in process (tests/scripts/parse-flags.test.ts); these
// check that each script's own checks reach the user the same way.
describe("bad values and arguments", () => {
  const cases: Array<[string, string[], RegExp]> = [
    // A mistyped flag must never become part of the question.
    ["ask", ["--jsn", "开源模型的成本如何？"], /^error: unknown option --jsn\n/],
    ["ask", ["-h", "开源模型的成本如何？"], /^$/],
    ["eval", ["--k", "abc"], /^error: --k takes a whole number from 1 to 20\n/],
    ["bench", ["--size", "ten"], /^error: --size takes a whole number of at least 50\n/],
    ["inspect", ["somefile"], /^error: unexpected argument "somefile" \(FILE goes with --removed\)/],
    ["register-commands", ["--guild"], /^error: --guild goes with --clear\n/],
  ];
  it.each(cases)(
    "%s %j: a message and the usage, exit 2, no stack",
    async (script, args, message) => {
      const r = await runScript(script, args, { cwd });
      if (args.includes("-h")) {
        // -h wins over a question: the usage, nothing answered.
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^usage: npm run ask/);
        expect(r.stderr).toMatch(message);
        return;
      }
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/\nusage: npm /);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );

  it("ask without a question says so, exit 2", async () => {
    const r = await runScript("ask", ["--json"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no question given\nusage: npm run ask/);
  }, 60_000);
});
