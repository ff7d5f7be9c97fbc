/**
 * An empty or missing CORPUS_DIR is refused, with a message and no stack, by everything that
 * builds an index (ingest, ask's first-run build), and the index built before stays current and
 * loads; `ingest -- --allow-empty` is how to ask for an empty index on purpose.
 */
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCurrentBuildId } from "../../src/store/build.js";
import { CORPUS, tempDir } from "../helpers/ingest-helpers.js";
import { runScript, STACK_FRAME } from "./run-script.js";

let root = "";
let corpusDir = "";
let indexDir = "";
let cleanup: () => Promise<void> = async () => {};
let builtId: string | null = null;
let passages = 0;

const env = (overrides: Record<string, string> = {}) => ({
  CORPUS_DIR: corpusDir,
  INDEX_DIR: indexDir,
  LOG_LEVEL: "warn",
  ...overrides,
});

/** The current build's id and its passage count as `inspect --json` lists them. */
async function currentIndex(): Promise<{ buildId: string | null; passages: number }> {
  const r = await runScript("inspect", ["--json"], { cwd: root, env: env() });
  expect(r.code, r.stderr).toBe(0);
  return {
    buildId: await readCurrentBuildId(indexDir),
    passages: r.stdout.trim().split("\n").filter(Boolean).length,
  };
}

beforeAll(async () => {
  const tmp = await tempDir("corpus-refusal");
  cleanup = tmp.cleanup;
  root = tmp.dir;
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await cp(CORPUS, corpusDir, { recursive: true });
  const r = await runScript("ingest", ["--json"], { cwd: root, env: env() });
  expect(r.code, r.stderr).toBe(0);
  ({ buildId: builtId, passages } = await currentIndex());
  expect(builtId).not.toBeNull();
  expect(passages).toBeGreaterThan(10);
}, 120_000);
afterAll(() => cleanup());

describe("an unusable corpus folder", () => {
  it("an empty folder: refused, exit 1, and the previous index is still current and loads", async () => {
    const empty = path.join(root, "empty");
    await mkdir(empty);
    const r = await runScript("ingest", [], { cwd: root, env: env({ CORPUS_DIR: empty }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `error: the corpus folder ${empty} has no files: the current index is kept. Check CORPUS_DIR, or run "npm run ingest -- --allow-empty" to index no articles\n`,
    );
    expect(await currentIndex()).toEqual({ buildId: builtId, passages });
  }, 60_000);

  it("a folder whose files are all skipped: refused the same way, naming the skipped files", async () => {
    const unusable = path.join(root, "unusable");
    await mkdir(unusable);
    await writeFile(path.join(unusable, "blank.md"), "");
    await writeFile(path.join(unusable, "notes.pdf"), "%PDF-1.4");
    const r = await runScript("ingest", ["--json"], { cwd: root, env: env({ CORPUS_DIR: unusable }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("blank.md");
    expect(r.stderr).toContain(`error: the corpus folder ${unusable} has no article that can be indexed`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(await currentIndex()).toEqual({ buildId: builtId, passages });
  }, 60_000);

  it("a missing folder: one line saying so, no stack, for ingest and inspect --removed", async () => {
    const missing = path.join(root, "no-such-folder");
    const [ingest, inspect] = await Promise.all([
      runScript("ingest", [], { cwd: root, env: env({ CORPUS_DIR: missing }) }),
      runScript("inspect", ["--removed"], { cwd: root, env: env({ CORPUS_DIR: missing }) }),
    ]);
    for (const r of [ingest, inspect]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: the corpus folder ${missing} does not exist or is not a folder: set CORPUS_DIR to the folder of articles to index\n`,
      );
    }
    expect(await currentIndex()).toEqual({ buildId: builtId, passages });
  }, 60_000);

  it("ask's first-run build refuses an empty corpus instead of answering from nothing", async () => {
    const empty = path.join(root, "empty-too");
    await mkdir(empty);
    const r = await runScript("ask", ["开源模型的优势是什么？"], {
      cwd: root,
      env: env({ CORPUS_DIR: empty, INDEX_DIR: path.join(root, "fresh-index") }),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`error: the corpus folder ${empty} has no files`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  }, 60_000);

  it("--allow-empty publishes an empty index when that is what the operator wants", async () => {
    const empty = path.join(root, "empty");
    const r = await runScript("ingest", ["--allow-empty", "--json"], {
      cwd: root,
      env: env({ CORPUS_DIR: empty }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).chunks).toEqual({ embedded: 0, reused: 0, total: 0 });
    const now = await currentIndex();
    expect(now.buildId).not.toBe(builtId);
    expect(now.passages).toBe(0);
  }, 60_000);
});
