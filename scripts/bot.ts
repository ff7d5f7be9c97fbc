/**
 * `npm start`: runs the Discord bot.
 *
 * Settings come from .env / the environment (src/config.ts). A missing or malformed setting is
 * printed once and the process exits with status 1 (runCli); the token itself is never printed or
 * logged. SIGINT/SIGTERM stop taking new questions, let answers in flight finish (bounded), then
 * disconnect and exit 0; a second signal aborts what is still in flight, tells those users the bot
 * is restarting and to ask again, and exits 1.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { requireDiscordSettings } from "../src/config.js";
import { createBot, GatewayClosedError } from "../src/discord/index.js";
import { explainTokenRejection } from "../src/discord/token.js";
import { isUserError } from "../src/errors.js";
import { readFlags, runCli } from "./cli.js";

const usage = `usage: npm start
  Runs the Discord bot with the settings of .env and the environment (see .env.example).
  LOG_FORMAT=pretty|json chooses the log lines (default json).
  -h, --help  show this help`;

readFlags(process.argv.slice(2), { options: {} }, usage);

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
      // An expected problem (no corpus folder, an empty one) is its message; anything else its stack.
      if (isUserError(err))
        logger.warn({ problem: err.message }, "could not build the index; /reindex can retry");
      else logger.warn({ err }, "could not build the index; /reindex can retry");
    }

    // Before connecting: the first question should not wait for dictionaries and the index.
    await app.warmUp();

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
    let cutShort = false;
    async function shutdown(signal: NodeJS.Signals): Promise<void> {
      if (stopping) {
        cutShort = true;
        // Answers in flight and questions in the queue are aborted, and their users told to ask
        // again, before exiting; bounded, since a supervisor that signals twice wants us gone.
        logger.warn(
          { signal },
          "second signal: telling users with answers in flight to ask again, then exiting",
        );
        await Promise.race([bot.stop({ now: true }).catch(() => {}), sleep(5000)]);
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
      // Cut short by a second signal, answers were lost: not a clean exit.
      process.exit(cutShort ? 1 : 0);
    }
    process.on("SIGINT", (s) => void shutdown(s));
    process.on("SIGTERM", (s) => void shutdown(s));

    // Discord closed the gateway for good (bad token, intents): the bot logged why and the fix in
    // one line, discord.js will not reconnect, and a supervisor must see a failure.
    const exitAfterFatalClose = async (): Promise<never> => {
      await app.close().catch(() => {});
      process.exit(1);
    };
    void bot.fatal.then(exitAfterFatalClose);
    try {
      await bot.start(token);
    } catch (err) {
      if (err instanceof GatewayClosedError) return exitAfterFatalClose();
      await app.close().catch(() => {});
      // A refused token is one readable line naming the fix; other errors keep their cause, which
      // discord.js words without the token ("An invalid token was provided.").
      const explained = explainTokenRejection(err);
      throw explained === err ? new Error("could not connect to Discord", { cause: err }) : explained;
    }
    // The gateway connection keeps the process running; signals end it.
    return 0;
  },
  { logFormat: "json", longRunning: true, discord: { token: true } },
);
