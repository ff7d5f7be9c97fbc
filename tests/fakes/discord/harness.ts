/**
 * Starts a FakeDiscord and a real bot (createBot + discord.js) connected to it, with settings
 * from loadConfig and logs captured in memory. For integration tests and benchmarks.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Config, loadConfig } from "../../../src/config.js";
import type { ArticleDeps } from "../../../src/discord/commands/articles.js";
import type { BotOptions } from "../../../src/discord/context.js";
import { type Bot, createBot } from "../../../src/discord/index.js";
import { createLogger, type Logger } from "../../../src/logger.js";
import type { IndexSummary, QuestionAnswerer } from "../../../src/types.js";
import { FakeAnswerer } from "../answerer.js";
import { FakeDiscord, type FakeDiscordOptions } from "./server.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Harness {
  fake: FakeDiscord;
  bot: Bot;
  config: Config;
  answerer: QuestionAnswerer;
  logs: LogLine[];
  /** Raw log output, to check that the token never appears. */
  rawLogs: string[];
  tmp: string;
  reindexCalls: number;
  stop(): Promise<void>;
}

export const SAMPLE_INDEX: IndexSummary = {
  builtAt: "2025-01-02T03:04:05.000Z",
  embedder: "builtin:hash-256",
  sources: [
    {
      source: "open-vs-closed-llm-full-comparison.txt",
      title: "开源大模型与闭源大模型的全面对比",
      url: "https://cloud.baidu.com/qianfanqa/article/open-vs-closed",
      passages: 14,
    },
    {
      source: "ai-globalization-open-vs-closed-tradeoff.md",
      title: "基于AI和全球化进程的权衡",
      passages: 41,
    },
  ],
};

/** The pipeline side of the bot, built once the settings are known (e.g. from the real createApp). */
export interface HarnessPipeline {
  answerer: QuestionAnswerer;
  describeIndex(): Promise<IndexSummary>;
  reindex(onProgress: (line: string) => void): Promise<string>;
  /** For /addarticle and /removearticle. */
  articles?: ArticleDeps;
  close?(): Promise<void>;
}

export interface HarnessOptions {
  /** Overrides answerer/describeIndex/reindex with a pipeline built from the harness's config and logger. */
  pipeline?: (config: Config, logger: Logger) => Promise<HarnessPipeline>;
  /** Settings on top of the harness's own; a function when they name the fake's ids. */
  env?: Record<string, string> | ((fake: FakeDiscord) => Record<string, string>);
  answerer?: QuestionAnswerer;
  describeIndex?: () => Promise<IndexSummary>;
  reindex?: (onProgress: (line: string) => void) => Promise<string>;
  botOptions?: Partial<BotOptions>;
  fakeOptions?: FakeDiscordOptions;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const tmp = await mkdtemp(path.join(tmpdir(), "bot-e2e-"));
  const fake = await FakeDiscord.start(opts.fakeOptions);
  const config = loadConfig({
    cwd: tmp,
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      ASK_COOLDOWN_SECONDS: "0",
      ANSWER_CONCURRENCY: "2",
      FEEDBACK_FILE: path.join(tmp, "feedback", "votes.jsonl"),
      INDEX_DIR: path.join(tmp, "index"),
      LOG_LEVEL: "debug",
      ...(typeof opts.env === "function" ? opts.env(fake) : opts.env),
    },
  });
  const logs: LogLine[] = [];
  const rawLogs: string[] = [];
  const logger = createLogger("debug", {
    destination: {
      write(line: string) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as LogLine);
      },
    },
  });
  const pipeline = opts.pipeline ? await opts.pipeline(config, logger) : undefined;
  const answerer = pipeline?.answerer ?? opts.answerer ?? new FakeAnswerer();
  const harness: Harness = {
    fake,
    config,
    answerer,
    logs,
    rawLogs,
    tmp,
    reindexCalls: 0,
    bot: undefined as unknown as Bot,
    async stop() {
      await harness.bot.stop({ timeoutMs: 5000 });
      await pipeline?.close?.();
      await fake.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
  harness.bot = createBot({
    config,
    logger,
    answerer,
    describeIndex: pipeline?.describeIndex ?? opts.describeIndex ?? (async () => SAMPLE_INDEX),
    reindex:
      pipeline?.reindex ??
      opts.reindex ??
      (async (onProgress) => {
        harness.reindexCalls += 1;
        onProgress("扫描 corpus/ …");
        onProgress("1 篇新增，0 篇修改");
        return "5 篇文章，1 篇更新，共 120 段";
      }),
    options: { streamIntervalMs: 300, ...opts.botOptions },
    ...(pipeline?.articles ? { articles: pipeline.articles } : {}),
  });
  await harness.bot.start(fake.token);
  await fake.waitForReady();
  return harness;
}
