/** Registers the slash commands with Discord: per guild when DISCORD_GUILD_ID is set (instant), else globally. */
import { REST, Routes } from "discord.js";
import type { Logger } from "pino";
import { type Config, requireDiscordSettings } from "../config.js";
import { commandDefinitions } from "./commands/registry.js";

export interface RegisterResult {
  scope: "guild" | "global";
  route: string;
  names: string[];
}

export async function registerCommands(config: Config, logger: Logger): Promise<RegisterResult> {
  const { token, clientId } = requireDiscordSettings(config, { token: true, clientId: true });
  const guildId = config.discord.guildId;
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  const body = commandDefinitions(config.chat);
  const rest = new REST({ api: config.discord.apiUrl }).setToken(token);
  try {
    const registered = (await rest.put(route, { body })) as Array<{ name: string }>;
    const names = registered.map((c) => c.name);
    logger.info({ scope: guildId ? "guild" : "global", guildId, names }, "slash commands registered");
    return { scope: guildId ? "guild" : "global", route, names };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
