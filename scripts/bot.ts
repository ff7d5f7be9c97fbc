/**
 * `npm start`: runs the Discord bot.
 *
 * Settings come from .env / the environment (src/config.ts). A missing or malformed setting is
 * printed once and the process exits with status 1 (runCli); the token itself is never printed or
 * logged. SIGINT/SIGTERM stop taking new questions, let answers in flight finish (bounded), then
 * disconnect and exit 0; a second signal exits at once.
 */
import { requireDiscordSettings } from "../src/config.js";
import { createBot } from "../src/discord/index.js";
import { runCli } from "./cli.js";

await runCli(
  async ({ config, logger }) => {
    const { token } = requireDiscordSettings(config, { token: true });

    // Imported after the settings check, so a bad .env fails fast without loading the pipeline.
    const { createApp } = await import("../src/app.js");
    const app = await createApp(config, { logger });

    // A fresh checkout has no index yet: build it rather than answer every question with "no
    // index". Not fatal: if it fails (e.g. Ollama embeddings unreachable), questions get that explained.
    try {
      await app.ensureIndex(() =>
        logger.info({ indexDir: config.indexDir }, "no index yet: building it from the corpus"),
      );
    } catch (err) {
      logger.warn({ err }, "could not build the index; /reindex can retry");
    }

    // A missing model is not fatal (answers fall back to quoting the articles), but the operator
    // should hear of it at once, in the log and in /help.
    const modelProblems = await app.checkModels();
    for (const problem of modelProblems) logger.warn({ problem }, "configured Ollama model unavailable");
    const bot = createBot({
      config,
      logger,
      modelProblems,
      answerer: app.answerer,
      describeIndex: () => app.describeIndex(),
      reindex: (onProgress) => app.reindex(onProgress),
      articles: { ingest: (onProgress) => app.reindexSummary(onProgress), fetch: globalThis.fetch },
    });

    let stopping = false;
    async function shutdown(signal: NodeJS.Signals): Promise<void> {
      if (stopping) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "shutting down");
      try {
        await bot.stop();
        await app.close();
      } catch (err) {
        logger.error({ err }, "error while shutting down");
        process.exit(1);
      }
      process.exit(0);
    }
    process.on("SIGINT", (s) => void shutdown(s));
    process.on("SIGTERM", (s) => void shutdown(s));

    try {
      await bot.start(token);
    } catch (err) {
      await app.close().catch(() => {});
      // discord.js errors name the problem ("An invalid token was provided.") without the token.
      throw new Error("could not connect to Discord", { cause: err });
    }
    // The gateway connection keeps the process running; signals end it.
    return 0;
  },
  { logFormat: "json", longRunning: true },
);
