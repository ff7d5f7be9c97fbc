import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import type { FetchLike } from "../../src/ollama/client.js";

export const REPO = path.resolve(import.meta.dirname, "../..");

export interface TestApp {
  app: App;
  config: Config;
  dir: string;
  cleanup(): Promise<void>;
}

/** An app over the repository's corpus with its index in a fresh temporary directory. */
export async function createTestApp(
  env: Record<string, string> = {},
  deps: { fetch?: FetchLike } = {},
): Promise<TestApp> {
  const dir = await mkdtemp(path.join(tmpdir(), "llm-bot-test-"));
  const config = loadConfig({
    cwd: REPO,
    env: {
      CORPUS_DIR: path.join(REPO, "corpus"),
      INDEX_DIR: path.join(dir, "index"),
      LOG_LEVEL: "silent",
      ...env,
    },
  });
  const app = await createApp(config, { logger: silentLogger, ...deps });
  return { app, config, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * An app over a corpus of just these files (name → text), written for the test; the corpus
 * and the index live in temporary directories that cleanup() removes.
 */
export async function createTestAppWith(
  files: Record<string, string>,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const corpus = await mkdtemp(path.join(tmpdir(), "llm-bot-corpus-"));
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(path.join(corpus, name), text)));
  const t = await createTestApp({ CORPUS_DIR: corpus, ...env });
  return {
    ...t,
    cleanup: async () => {
      await t.cleanup();
      await rm(corpus, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file over articles it writes itself: builds the app and its index before the file's
 * tests and removes both after them. The app is read through `app` once the tests run.
 */
export function indexedAppWith(
  files: Record<string, string>,
  env: Record<string, string> = {},
): { readonly app: App } {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestAppWith(files, env);
    await t.app.ensureIndex();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  return {
    get app() {
      if (!t) throw new Error("the test app is built in beforeAll: read it inside a test");
      return t.app;
    },
  };
}
