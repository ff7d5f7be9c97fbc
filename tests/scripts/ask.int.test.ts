import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/app.js";

const run = promisify(execFile);
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "llm-bot-cli-"));
  env = {
    ...process.env,
    INDEX_DIR: path.join(dir, "index"),
    CORPUS_DIR: path.join(REPO, "corpus"),
    LOG_LEVEL: "silent",
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tsx = path.join(REPO, "node_modules/.bin/tsx");

describe("npm run ask", () => {
  it("builds the missing index, saying so in one line, then prints exactly one JSON object", async () => {
    const { stdout, stderr } = await run(
      tsx,
      ["scripts/ask.ts", "--json", "开源大模型和闭源大模型在成本上有什么区别？"],
      { cwd: REPO, env },
    );
    expect(stderr.match(/building/g)).toHaveLength(1);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? "");
    expect(Object.keys(result).sort()).toEqual(
      ["answer", "citations", "providers", "question", "refused", "retrieved", "timings"].sort(),
    );
    expect(result.refused).toBe(false);
    expect(result.providers).toEqual({ embeddings: "builtin", chat: "extractive" });
    expect(Object.keys(result.citations[0]).sort()).toEqual(
      ["heading", "id", "n", "source", "text", "title", "url"].sort(),
    );
    expect(Object.keys(result.retrieved[0]).sort()).toEqual(
      ["heading", "id", "rank", "score", "source", "text", "title"].sort(),
    );
    expect(Object.keys(result.timings).sort()).toEqual(["generateMs", "retrieveMs", "totalMs"]);
  }, 60_000);

  it("prints a readable answer with its sources when the index exists", async () => {
    const { stdout, stderr } = await run(tsx, ["scripts/ask.ts", "BERT 有什么特点？"], { cwd: REPO, env });
    expect(stderr).not.toMatch(/building/);
    expect(stdout).toMatch(/双向/);
    expect(stdout).toMatch(/来源：\n\[1\] .+ › /);
    expect(stdout).toMatch(/ai-globalization-open-vs-closed-tradeoff\.md/);
  }, 60_000);

  it("reports a bad setting clearly and exits non-zero", async () => {
    const err = await run(tsx, ["scripts/ask.ts", "test"], {
      cwd: REPO,
      env: { ...env, EMBEDDING_PROVIDER: "magic" },
    }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/EMBEDDING_PROVIDER/);
  }, 60_000);
});
