/**
 * Ingest in the child process (src/ingest/worker.ts) through the app, as /reindex, the bot's
 * first-run build and the CLI use it: a new build is published and switched to, progress lines
 * arrive, questions are answered from the current build meanwhile, errors come back typed with
 * their message, and an ingest stopped half-way leaves the previous build in use.
 */
import { cp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { isUserError } from "../../src/errors.js";
import { IngestWorkerError } from "../../src/ingest/worker.js";
import { readCurrentBuildId } from "../../src/store/build.js";
import { CORPUS, recordingLogger, tempDir } from "../helpers/ingest-helpers.js";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("ingest-worker"));
  await cp(CORPUS, path.join(dir, "corpus"), { recursive: true });
});
afterEach(() => cleanup());

const configIn = (root: string) =>
  loadConfig({
    cwd: root,
    env: { CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), LOG_LEVEL: "debug" },
  });

describe("ingest in a child process", () => {
  it("builds the first index, then reindexes: a new build, progress lines, questions answered meanwhile", {
    timeout: 60_000,
  }, async () => {
    const log = recordingLogger();
    const app = await createApp(configIn(dir), { logger: log.logger });
    try {
      const first = await app.ensureIndex();
      expect(first?.chunks.total).toBeGreaterThan(50);
      const firstBuild = await readCurrentBuildId(path.join(dir, "index"));
      expect(first?.buildId).toBe(firstBuild);
      expect((await app.index.current()).buildId).toBe(firstBuild);

      const lines: string[] = [];
      let finished = false;
      const reindex = app
        .reindexSummary((line) => lines.push(line), { full: true })
        .finally(() => {
          finished = true;
        });
      // Questions keep being answered while the worker ingests, from the build already loaded.
      const answeredWhileRunning: string[] = [];
      while (!finished) {
        const result = await app.answerer.ask("开源大模型和闭源大模型在成本上有什么区别？");
        expect(result.citations.length).toBeGreaterThan(0);
        if (!finished) answeredWhileRunning.push((await app.index.current()).buildId);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const summary = await reindex;

      // From the current build, until the worker publishes the new one (just before it reports).
      expect(answeredWhileRunning[0]).toBe(firstBuild);
      for (const build of answeredWhileRunning) expect([firstBuild, summary.buildId]).toContain(build);
      expect(summary.buildId).not.toBe(firstBuild);
      expect(summary.chunks.embedded).toBe(summary.chunks.total);
      expect(await readCurrentBuildId(path.join(dir, "index"))).toBe(summary.buildId);
      // Switched: the handle already holds the new build.
      expect((await app.index.current()).buildId).toBe(summary.buildId);
      expect(lines[0]).toBe("reading the corpus");
      expect(lines.at(-1)).toBe(`embedded ${summary.chunks.total}/${summary.chunks.total} passages`);
    } finally {
      await app.close();
    }
  });

  it("relays the child's log records and reports the CLI's progress as numbers", async () => {
    await writeFile(path.join(dir, "corpus", "empty.md"), "");
    const log = recordingLogger();
    const app = await createApp(configIn(dir), { logger: log.logger });
    try {
      const progress: Array<[number, number]> = [];
      const summary = await app.ingest({ onProgress: ({ done, total }) => progress.push([done, total]) });
      expect(progress.at(-1)).toEqual([summary.chunks.total, summary.chunks.total]);
      expect(summary.skipped).toEqual([{ source: "empty.md", reason: "empty file" }]);
      const relayed = log.lines.find((l) => l.msg === "skipped empty.md: empty file") as
        | { level: number; thread?: string }
        | undefined;
      expect(relayed).toMatchObject({ level: 40, thread: "ingest" });
    } finally {
      await app.close();
    }
  });

  it("returns a user's error typed, with its message, and keeps the previous build", async () => {
    const app = await createApp(configIn(dir), { logger: recordingLogger().logger });
    try {
      const built = await app.ensureIndex();
      await rm(path.join(dir, "corpus"), { recursive: true });
      const failure = await app.reindex().catch((err: unknown) => err);
      expect(isUserError(failure)).toBe(true);
      expect(failure).toMatchObject({ code: "corpus-missing" });
      expect((failure as Error).message).toContain("does not exist or is not a folder");
      expect((await app.index.current()).buildId).toBe(built?.buildId);
      const answer = await app.answerer.ask("开源大模型有哪些优势？");
      expect(answer.citations.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it("an ingest stopped half-way publishes nothing; the next one takes over its lock", {
    timeout: 60_000,
  }, async () => {
    const app = await createApp(configIn(dir), { logger: recordingLogger().logger });
    const built = await app.ensureIndex();
    const stopped = app.reindex(
      (line) => {
        // Stopped once the worker is at work (its first progress message), before it publishes.
        if (line.startsWith("embedded")) void app.close();
      },
      { full: true },
    );
    const failure = await stopped.catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(IngestWorkerError);
    expect((failure as Error).message).toContain("the previous index is still in use");
    expect(await readCurrentBuildId(path.join(dir, "index"))).toBe(built?.buildId);

    const next = await createApp(configIn(dir), { logger: recordingLogger().logger });
    try {
      expect((await next.index.current()).buildId).toBe(built?.buildId);
      const summary = await next.reindexSummary(undefined, { full: true });
      expect(summary.buildId).not.toBe(built?.buildId);
      expect((await next.index.current()).buildId).toBe(summary.buildId);
    } finally {
      await next.close();
    }
  });

  it("refuses a second ingest in the same process while one runs", async () => {
    const app = await createApp(configIn(dir), { logger: recordingLogger().logger });
    try {
      const first = app.ingest();
      const second = await app.ingest().catch((err: unknown) => err);
      expect(second).toMatchObject({ code: "ingest-locked" });
      expect((await first).chunks.total).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
