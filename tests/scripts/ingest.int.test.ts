/**
 * The ingest and inspect command-line tools, run as child processes the way a user runs them
 * (`tsx scripts/….ts` with CORPUS_DIR and INDEX_DIR in the environment).
 */
import { spawn } from "node:child_process";
import { cp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layout } from "../../src/store/build.js";
import { CORPUS, inspectIndex, REPO, tempDir } from "../helpers/ingest-helpers.js";
import { collectOutput } from "../helpers/process.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let corpusDir = "";
let indexDir = "";
let cleanup: () => Promise<void> = async () => {};

function run(script: "ingest" | "inspect", args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
      cwd: REPO,
      env: {
        ...process.env,
        CORPUS_DIR: corpusDir,
        INDEX_DIR: indexDir,
        EMBEDDING_PROVIDER: "builtin",
        CHUNK_SIZE: "400",
        CHUNK_OVERLAP: "80",
        LOG_LEVEL: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    collectOutput(child).then(resolve, reject);
  });
}

beforeAll(async () => {
  const tmp = await tempDir("ingest-cli");
  cleanup = tmp.cleanup;
  corpusDir = path.join(tmp.dir, "corpus");
  indexDir = path.join(tmp.dir, "index");
  await cp(CORPUS, corpusDir, { recursive: true });
  await writeFile(path.join(corpusDir, "empty.md"), "");
});
afterAll(() => cleanup());

describe("npm run ingest / inspect", () => {
  let total = 0;

  it("ingest --json prints one JSON summary with file and chunk counts", async () => {
    const r = await run("ingest", ["--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split("\n");
    expect(out).toHaveLength(1);
    const summary = JSON.parse(out[0] ?? "");
    expect(Object.keys(summary).sort()).toEqual([
      "buildId",
      "chunks",
      "cleaned",
      "files",
      "rebuildReason",
      "seconds",
      "skipped",
    ]);
    expect(summary.files).toEqual({ added: 5, changed: 0, unchanged: 0, removed: 0, skipped: 1 });
    // The five captures carry page furniture; each file that lost any is counted.
    expect(summary.cleaned.length).toBeGreaterThan(0);
    for (const c of summary.cleaned) expect(c.removedBlocks).toBeGreaterThan(0);
    expect(summary.chunks.total).toBeGreaterThan(5);
    expect(summary.chunks).toEqual({
      embedded: summary.chunks.total,
      reused: 0,
      total: summary.chunks.total,
    });
    expect(summary.skipped).toEqual([{ source: "empty.md", reason: "empty file" }]);
    expect(typeof summary.buildId).toBe("string");
    expect(typeof summary.seconds).toBe("number");
    total = summary.chunks.total;
    // The skipped file is named on one warning line on stderr, never on stdout.
    const warnings = r.stderr.split("\n").filter((l) => l.includes("empty.md"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("empty file");
  });

  it("a second ingest embeds nothing", async () => {
    const r = await run("ingest", ["--json"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.files).toEqual({ added: 0, changed: 0, unchanged: 5, removed: 0, skipped: 1 });
    expect(summary.chunks).toEqual({ embedded: 0, reused: total, total });
  });

  it("inspect --json prints one {id, source, title, heading, kind, text} line per passage of the current build", async () => {
    const r = await run("inspect", ["--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(total);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(["id", "source", "title", "heading", "kind", "text"]);
      for (const v of Object.values(l)) expect(typeof v).toBe("string");
      expect(l.text.length).toBeGreaterThan(0);
    }
    expect(new Set(lines.map((l) => l.id)).size).toBe(total);
    expect(lines).toEqual(await inspectIndex(indexDir));
  });

  it("ingest --full re-embeds everything", async () => {
    const r = await run("ingest", ["--full", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.rebuildReason).toBe("--full");
    expect(summary.chunks).toEqual({ embedded: total, reused: 0, total });
  });

  it("prints a readable summary without --json", async () => {
    const r = await run("ingest", []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files: +0 added, 0 changed, 5 unchanged, 0 removed, 1 skipped/);
    expect(r.stdout).toMatch(new RegExp(`chunks: 0 embedded, ${total} reused, ${total} total`));
  });

  it("rejects an unknown option with the usage and exit code 2", async () => {
    const r = await run("ingest", ["--fast"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option --fast");
    expect(r.stderr).toContain("usage:");
  });

  it("refuses to run while another ingest holds the lock, saying so", async () => {
    await writeFile(
      layout(indexDir).lock,
      JSON.stringify({ pid: process.pid, since: "2024-05-01T10:00:00.000Z" }),
    );
    try {
      const r = await run("ingest", ["--json"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(
        `error: another ingest (pid ${process.pid}, started 2024-05-01T10:00:00.000Z) is running`,
      );
    } finally {
      await rm(layout(indexDir).lock, { force: true });
    }
  });

  it("inspect says to run ingest when there is no index", async () => {
    const r = await run("inspect", ["--json"], { INDEX_DIR: path.join(indexDir, "nothing-here") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: no index at .*nothing-here: run "npm run ingest" first/);
  });
});
