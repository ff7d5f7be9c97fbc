/**
 * `npm run register-commands`: registers the slash commands with Discord, in the server
 * DISCORD_GUILD_ID when set (visible at once: use it while developing), globally otherwise (may
 * take up to an hour to appear), and warns when the other scope holds the same commands (each
 * would show twice). `-- --clear` removes the global commands, `-- --clear --guild` those of
 * DISCORD_GUILD_ID. Needs DISCORD_TOKEN and DISCORD_CLIENT_ID.
 */
import {
  type ClearResult,
  clearCommands,
  type DuplicateRegistration,
  registerCommands,
} from "../src/discord/register.js";
import { readFlags, runCli, usageError } from "./cli.js";

const usage = `usage: npm run register-commands [-- --clear [--guild]]
  Registers the slash commands in the server DISCORD_GUILD_ID when set (instant), else globally
  (up to an hour to appear). Needs DISCORD_TOKEN and DISCORD_CLIENT_ID.
  --clear     remove the globally registered commands instead
  --guild     with --clear: remove the commands registered in the server DISCORD_GUILD_ID
  -h, --help  show this help`;

const flags = readFlags(
  process.argv.slice(2),
  { options: { clear: { type: "boolean", default: false }, guild: { type: "boolean", default: false } } },
  usage,
  ({ values }) => {
    if (values.guild && !values.clear) throw usageError("--guild goes with --clear", usage);
    return values;
  },
);

const list = (names: string[]) => names.map((n) => `/${n}`).join(", ");

function clearedLine(result: ClearResult): string {
  const where = result.scope === "guild" ? `in server ${result.guildId}` : "globally";
  if (result.removed.length === 0) return `No commands were registered ${where}; nothing to clear.\n`;
  const delay = result.scope === "global" ? " (Discord clients may show them for up to an hour)" : "";
  return `Removed ${list(result.removed)} registered ${where}${delay}.\n`;
}

function duplicateWarning(d: DuplicateRegistration, ownGuild: string | undefined): string {
  if (d.scope === "global")
    return `warning: ${list(d.names)} are also registered globally, so each shows twice in server ${ownGuild}. Remove the global ones with: npm run register-commands -- --clear\n`;
  return `warning: server ${d.guildId} also has its own registration of ${list(d.names)}, so each shows twice there. Remove it with: DISCORD_GUILD_ID=${d.guildId} npm run register-commands -- --clear --guild\n`;
}

await runCli(
  async ({ config, logger }) => {
    if (flags.clear) {
      process.stdout.write(
        clearedLine(await clearCommands(config, logger, flags.guild ? "guild" : "global")),
      );
      return 0;
    }
    const result = await registerCommands(config, logger);
    const where =
      result.scope === "guild" ? `in server ${config.discord.guildId}` : "globally (may take up to an hour)";
    process.stdout.write(`Registered ${list(result.names)} ${where}.\n`);
    for (const d of result.duplicates) process.stderr.write(duplicateWarning(d, config.discord.guildId));
    if (result.unchecked > 0)
      process.stderr.write(
        `note: ${result.unchecked} servers were not checked for their own registration of these commands.\n`,
      );
    return 0;
  },
  { logFormat: "json", discord: { token: true, clientId: true, guildId: flags.guild } },
);
