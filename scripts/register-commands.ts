/**
 * `npm run register-commands`: registers /ask, /sources, /help and /reindex with Discord, in the
 * server DISCORD_GUILD_ID when set (visible at once: use it while developing), globally otherwise
 * (may take up to an hour to appear). Needs DISCORD_TOKEN and DISCORD_CLIENT_ID.
 */

import { type Config, ConfigError, loadConfig, requireDiscordSettings } from "../src/config.js";
import { registerCommands } from "../src/discord/index.js";
import { createLogger } from "../src/logger.js";

let config: Config;
try {
  config = loadConfig();
  requireDiscordSettings(config, { token: true, clientId: true });
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
try {
  const result = await registerCommands(config, logger);
  const where =
    result.scope === "guild" ? `in server ${config.discord.guildId}` : "globally (may take up to an hour)";
  process.stdout.write(`Registered /${result.names.join(", /")} ${where}.\n`);
} catch (err) {
  logger.error({ err }, "registering commands failed");
  process.stderr.write(`Registering commands failed: ${(err as Error).message}\n`);
  process.exit(1);
}
