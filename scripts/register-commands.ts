/**
 * `npm run register-commands`: registers /ask, /sources, /help and /reindex with Discord, in the
 * server DISCORD_GUILD_ID when set (visible at once: use it while developing), globally otherwise
 * (may take up to an hour to appear). Needs DISCORD_TOKEN and DISCORD_CLIENT_ID.
 */
import { requireDiscordSettings } from "../src/config.js";
import { registerCommands } from "../src/discord/index.js";
import { runCli } from "./cli.js";

await runCli(
  async ({ config, logger }) => {
    requireDiscordSettings(config, { token: true, clientId: true });
    const result = await registerCommands(config, logger);
    const where =
      result.scope === "guild" ? `in server ${config.discord.guildId}` : "globally (may take up to an hour)";
    process.stdout.write(`Registered /${result.names.join(", /")} ${where}.\n`);
    return 0;
  },
  { logFormat: "json" },
);
