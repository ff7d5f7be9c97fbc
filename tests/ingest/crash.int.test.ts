/**
 * Crash safety of the real ingest CLI: a child process ingesting a few hundred generated articles
 * is killed with SIGKILL at several points (before it starts embedding, mid-embedding, after the
 * last vector, and at fractions of a measured full run). After each kill the previous index still
 * loads, and the next ingest succeeds, reusing every vector the killed run had already cached.
 *
 * The CLI runs as `node --import tsx scripts/ingest.ts`: the same script `npx tsx` runs, but in a
 * single process, so the SIGKILL reaches the ingest itself rather than a wrapper around it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, type FSWatcher, watch } from "node:fs";
import { cp, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuiltinEmbeddings } from "../../src/embed/builtin.js";
import { layout, readCurrentBuildId, readManifest } from "../../src/store/build.js";
import { IndexHandle, loadIndex } from "../../src/store/load.js";
import { VectorCache } from "../../src/store/vector-cache.js";
import { sharedTokenizer } from "../../src/text/tokenizer.js";
import {
  CORPUS,
  REPO,
  recordingLogger,
  runIngest,
  syntheticArticle,
  tempDir,
} from "../helpers/ingest-helpers.js";

const GENERATED = 240;
const EMBEDDER_ID = new BuiltinEmbeddings(sharedTokenizer()).id;

let root = "";
let baseCorpus = "";
let bigCorpus = "";
let cleanup: () => Promise<void> = async () => {};
let scenario = 0;

beforeAll(async () => {
  const tmp = await tempDir("ingest-crash");
  root = tmp.dir;
  cleanup = tmp.cleanup;
  baseCorpus = path.join(root, "base");
  bigCorpus = path.join(root, "big");
  await cp(CORPUS, baseCorpus, { recursive: true });
  await cp(CORPUS, bigCorpus, { recursive: true });
  await mkdir(path.join(bigCorpus, "generated"));
  for (let n = 0; n < GENERATED; n++) {
    const name = `article-${String(n).padStart(4, "0")}.txt`;
    await writeFile(
      path.join(bigCorpus, "generated", name),
      syntheticArticle(n, { sections: 5, paragraphs: 3 }),
    );
  }
}, 60_000);
afterAll(() => cleanup());

interface Observed {
  /** Milliseconds from spawn to each "embedded k/total" progress line. */
  progress: Array<{ at: number; done: number; total: number }>;
  exitAt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the ingest CLI on the big corpus; `killWhen` decides, at each progress line and on a timer,
 * whether to SIGKILL it now.
 */
function runCli(
  indexDir: string,
  killWhen: {
    afterMs?: number;
    onProgress?: (done: number, total: number) => boolean;
    /** Kill when this entry appears in the new build's temporary directory ("" = the directory itself). */
    onBuildFile?: string;
  },
) {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/ingest.ts"], {
    cwd: REPO,
    env: {
      ...process.env,
      CORPUS_DIR: bigCorpus,
      INDEX_DIR: indexDir,
      EMBEDDING_PROVIDER: "builtin",
      CHUNK_SIZE: "400",
      CHUNK_OVERLAP: "80",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const observed: Observed = { progress: [], exitAt: 0, code: null, signal: null, stdout: "", stderr: "" };
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const timer = killWhen.afterMs === undefined ? undefined : setTimeout(kill, killWhen.afterMs);
  // The new build is written into builds/.tmp-<id> before it is renamed into place.
  const watchers: FSWatcher[] = [];
  const target = killWhen.onBuildFile;
  if (target !== undefined) {
    watchers.push(
      watch(layout(indexDir).builds, (_, name) => {
        if (!name?.startsWith(".tmp-")) return;
        if (target === "") return kill();
        const dir = path.join(layout(indexDir).builds, name);
        try {
          watchers.push(watch(dir, (__, file) => file === target && kill()));
          if (existsSync(path.join(dir, target))) kill();
        } catch {
          // Renamed into place already: too late to kill inside the write.
        }
      }),
    );
  }
  child.stdout?.on("data", (d) => {
    observed.stdout += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    observed.stderr += d;
    for (const m of d.toString().matchAll(/embedded (\d+)\/(\d+) passages/g)) {
      const done = Number(m[1]);
      const total = Number(m[2]);
      observed.progress.push({ at: performance.now() - started, done, total });
      if (killWhen.onProgress?.(done, total)) kill();
    }
  });
  return new Promise<Observed>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      observed.exitAt = performance.now() - started;
      observed.code = code;
      observed.signal = signal;
      resolve(observed);
    });
  });
}

/** A fresh index directory holding a complete index of the five articles: the "previous" index. */
async function previousIndex(): Promise<{ indexDir: string; buildId: string; chunks: number }> {
  const indexDir = path.join(root, `index-${scenario++}`);
  const summary = await runIngest(baseCorpus, indexDir);
  return { indexDir, buildId: summary.buildId, chunks: summary.chunks.total };
}

async function cachedVectors(indexDir: string): Promise<number> {
  if (!existsSync(layout(indexDir).cache)) return 0;
  const files = (await readdir(layout(indexDir).cache)).filter((f) => f.endsWith(".vec"));
  if (files.length === 0) return 0;
  return (await (await VectorCache.open(layout(indexDir).cache, EMBEDDER_ID, 512)).vectors()).size;
}

/** After a kill: CURRENT names a complete build that loads, the old one or (if the swap happened) the new one. */
async function expectLoadableIndex(
  indexDir: string,
  previous: { buildId: string; chunks: number },
): Promise<void> {
  const id = await readCurrentBuildId(indexDir);
  expect(id).not.toBeNull();
  const handle = new IndexHandle(indexDir, EMBEDDER_ID, { ef: 64 });
  const index = await handle.current();
  expect(index.buildId).toBe(id);
  expect(index.chunks).toHaveLength(index.manifest.chunkCount);
  expect(index.dense?.count).toBe(index.chunks.length);
  expect(index.lexical.size).toBe(index.chunks.length);
  if (id === previous.buildId) {
    expect(index.chunks).toHaveLength(previous.chunks);
  } else {
    // The killed run got as far as swapping in its build: it must be the whole corpus.
    expect(index.manifest.files.count).toBe(5 + GENERATED);
  }
}

/** The next ingest after a kill: it succeeds and embeds exactly what the cache did not already hold. */
async function expectNextIngestRecovers(indexDir: string): Promise<{ reused: number; embedded: number }> {
  const cachedBefore = await cachedVectors(indexDir);
  const lockLeft = existsSync(layout(indexDir).lock);
  const log = recordingLogger();
  const summary = await runIngest(bigCorpus, indexDir, { logger: log.logger });
  expect(summary.files.skipped).toBe(0);
  expect(summary.chunks.total).toBeGreaterThan(GENERATED);
  // Everything cached (by the previous index and by the killed run) is reused, nothing else.
  expect(summary.chunks.reused).toBe(cachedBefore);
  expect(summary.chunks.embedded).toBe(summary.chunks.total - cachedBefore);
  if (lockLeft) expect(log.warnings().some((w) => /taking over the lock/.test(w))).toBe(true);
  expect(existsSync(layout(indexDir).lock)).toBe(false);
  const index = await loadIndex(indexDir, summary.buildId, { ef: 64 });
  expect(index.chunks).toHaveLength(summary.chunks.total);
  expect((await readManifest(indexDir, summary.buildId)).files.count).toBe(5 + GENERATED);
  expect((await readdir(layout(indexDir).builds)).filter((n) => n.startsWith("."))).toEqual([]);
  return summary.chunks;
}

describe("SIGKILL during ingest", () => {
  let fullRunMs = 0;
  let firstProgressMs = 0;

  it("measures an uninterrupted run of the CLI", { timeout: 60_000 }, async () => {
    const previous = await previousIndex();
    const run = await runCli(previous.indexDir, {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.progress.length).toBeGreaterThan(1);
    const last = run.progress.at(-1);
    expect(last?.done).toBe(last?.total);
    expect(run.stdout).toContain(`${GENERATED} added, 0 changed, 5 unchanged`);
    fullRunMs = run.exitAt;
    firstProgressMs = run.progress[0]?.at ?? 0;
  });

  it("keeps the previous index when killed before embedding starts", { timeout: 60_000 }, async () => {
    const previous = await previousIndex();
    const run = await runCli(previous.indexDir, { afterMs: Math.max(50, firstProgressMs / 3) });
    expect(run.signal).toBe("SIGKILL");
    expect(await readCurrentBuildId(previous.indexDir)).toBe(previous.buildId);
    await expectLoadableIndex(previous.indexDir, previous);
    await expectNextIngestRecovers(previous.indexDir);
  });

  it("keeps the previous index and the vectors already embedded when killed mid-embedding", {
    timeout: 60_000,
  }, async () => {
    const previous = await previousIndex();
    const cachedAtStart = await cachedVectors(previous.indexDir);
    const run = await runCli(previous.indexDir, { onProgress: (done, total) => done > 0 && done < total });
    expect(run.signal).toBe("SIGKILL");
    const seen = run.progress.find((p) => p.done > 0)?.done ?? 0;
    expect(seen).toBeGreaterThan(0);
    expect(await readCurrentBuildId(previous.indexDir)).toBe(previous.buildId);
    await expectLoadableIndex(previous.indexDir, previous);
    // The batches reported before the kill were on disk.
    expect(await cachedVectors(previous.indexDir)).toBeGreaterThanOrEqual(cachedAtStart + seen);
    const next = await expectNextIngestRecovers(previous.indexDir);
    expect(next.reused).toBeGreaterThanOrEqual(cachedAtStart + seen);
  });

  it("keeps the previous index when killed after the last vector, while the search structures are built", {
    timeout: 60_000,
  }, async () => {
    const previous = await previousIndex();
    const run = await runCli(previous.indexDir, { onProgress: (done, total) => done === total && total > 0 });
    expect(run.signal).toBe("SIGKILL");
    const total = run.progress.at(-1)?.total ?? 0;
    await expectLoadableIndex(previous.indexDir, previous);
    expect(await cachedVectors(previous.indexDir)).toBeGreaterThanOrEqual(total);
    const next = await expectNextIngestRecovers(previous.indexDir);
    // Every passage the killed run embedded is reused: only ever-uncached ones could be embedded.
    expect(next.embedded).toBe(0);
  });

  it.each([
    ["after the vector index, as the passages are written", "passages"],
    ["after the passages, as the lexical postings are written", "bm25"],
  ])(
    "keeps the previous index when killed while the new build is written: %s",
    { timeout: 60_000 },
    async (_, file) => {
      const previous = await previousIndex();
      const run = await runCli(previous.indexDir, { onBuildFile: file });
      expect(run.signal).toBe("SIGKILL");
      await expectLoadableIndex(previous.indexDir, previous);
      const next = await expectNextIngestRecovers(previous.indexDir);
      expect(next.embedded).toBe(0);
    },
  );

  it.each([0.6, 0.95])(
    "keeps a loadable index when killed at %f of a full run, and recovers",
    { timeout: 60_000 },
    async (fraction) => {
      expect(fullRunMs).toBeGreaterThan(0);
      const previous = await previousIndex();
      await runCli(previous.indexDir, { afterMs: fullRunMs * fraction });
      await expectLoadableIndex(previous.indexDir, previous);
      await expectNextIngestRecovers(previous.indexDir);
    },
  );
});
