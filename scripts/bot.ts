/**
 * `npm start`: runs the Discord bot.
 *
 * Settings come from .env / the environment (src/config.ts). A missing or malformed setting is
 * printed once and the process exits with status 1; the token itself is never printed or logged.
 * SIGINT/SIGTERM stop taking new questions, let answers in flight finish (bounded), then
 * disconnect; a second signal exits at once.
 */

import { type Config, ConfigError, loadConfig, requireDiscordSettings } from "../src/config.js";
import { createBot } from "../src/discord/index.js";
import { createLogger } from "../src/logger.js";

function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: Config;
let token: string;
try {
  config = loadConfig();
  ({ token } = requireDiscordSettings(config, { token: true }));
} catch (err) {
  if (err instanceof ConfigError) exitWith(err.message);
  throw err;
}

const logger = createLogger(config.logLevel);
process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason }, "unhandled promise rejection");
});
process.on("uncaughtException", (err) => {
  // State is unknown after an uncaught exception: log it and let a supervisor restart us.
  logger.fatal({ err }, "uncaught exception");
  process.exit(1);
});

// Imported after the settings check, so a bad .env fails fast without loading the pipeline.
const { createApp } = await import("../src/app.js");
let app: Awaited<ReturnType<typeof createApp>>;
try {
  app = await createApp(config, { logger });
} catch (err) {
  logger.fatal({ err }, "could not start the answering pipeline");
  process.exit(1);
}

// A fresh checkout has no index yet: build it rather than answer every question with "no index".
// Not fatal: if it fails (e.g. Ollama embeddings unreachable), questions get that explained.
try {
  await app.ensureIndex(() =>
    logger.info({ indexDir: config.indexDir }, "no index yet: building it from the corpus"),
  );
} catch (err) {
  logger.warn({ err }, "could not build the index; /reindex can retry");
}

const bot = createBot({
  config,
  logger,
  answerer: app.answerer,
  describeIndex: () => app.describeIndex(),
  reindex: (onProgress) => app.reindex(onProgress),
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
  // discord.js errors name the problem ("An invalid token was provided.") without the token.
  logger.fatal({ err }, "could not connect to Discord");
  await app.close().catch(() => {});
  process.exit(1);
}
