/**
 * Registers the slash commands with Discord: per guild when DISCORD_GUILD_ID is set (instant),
 * else globally; and clears them (`register-commands -- --clear [--guild]`). A command registered
 * in both scopes shows twice in that server, so registering checks the other scope and reports
 * any overlap, with the command that removes it.
 */
import { REST, Routes } from "discord.js";
import type { Logger } from "pino";
import { type Config, requireDiscordSettings } from "../config.js";
import { commandDefinitions } from "./commands/registry.js";
import { explainTokenRejection } from "./token.js";

export type CommandScope = "guild" | "global";

/** Commands registered in the other scope under the same names: each shows twice. */
export interface DuplicateRegistration {
  scope: CommandScope;
  /** The server, for a guild registration. */
  guildId?: string;
  names: string[];
}

export interface RegisterResult {
  scope: CommandScope;
  route: string;
  names: string[];
  duplicates: DuplicateRegistration[];
  /** Servers whose own registrations could not be checked (more than GUILDS_CHECKED, or no access). */
  unchecked: number;
}

export interface ClearResult {
  scope: CommandScope;
  guildId?: string;
  /** Names of the commands that were registered and are now gone. */
  removed: string[];
}

/** Servers whose guild registrations a global registration looks into: one request each. */
const GUILDS_CHECKED = 25;

type Command = { name: string };

export async function registerCommands(config: Config, logger: Logger): Promise<RegisterResult> {
  const { token, clientId } = requireDiscordSettings(config, { token: true, clientId: true });
  const guildId = config.discord.guildId;
  const scope: CommandScope = guildId ? "guild" : "global";
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  const body = commandDefinitions(config.chat);
  return withRest(config, token, async (rest) => {
    const registered = (await rest.put(route, { body })) as Command[];
    const names = registered.map((c) => c.name);
    logger.info({ scope, guildId, names }, "slash commands registered");
    const { duplicates, unchecked } = guildId
      ? await globalDuplicates(rest, clientId, names, logger)
      : await guildDuplicates(rest, clientId, names, logger);
    return { scope, route, names, duplicates, unchecked };
  });
}

/** Removes every command of one scope (the guild is DISCORD_GUILD_ID) by registering none. */
export async function clearCommands(
  config: Config,
  logger: Logger,
  scope: CommandScope,
): Promise<ClearResult> {
  const needs = { token: true, clientId: true, guildId: scope === "guild" };
  const { token, clientId, guildId } = requireDiscordSettings(config, needs);
  const route =
    scope === "guild"
      ? Routes.applicationGuildCommands(clientId, guildId)
      : Routes.applicationCommands(clientId);
  return withRest(config, token, async (rest) => {
    const before = (await rest.get(route)) as Command[];
    if (before.length > 0) await rest.put(route, { body: [] });
    const removed = before.map((c) => c.name);
    logger.info({ scope, ...(scope === "guild" ? { guildId } : {}), removed }, "slash commands cleared");
    return { scope, ...(scope === "guild" ? { guildId } : {}), removed };
  });
}

async function withRest<T>(config: Config, token: string, work: (rest: REST) => Promise<T>): Promise<T> {
  const rest = new REST({ api: config.discord.apiUrl }).setToken(token);
  try {
    return await work(rest);
  } catch (err) {
    throw explainTokenRejection(err);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

async function globalDuplicates(
  rest: REST,
  clientId: string,
  names: string[],
  logger: Logger,
): Promise<{ duplicates: DuplicateRegistration[]; unchecked: number }> {
  try {
    const global = (await rest.get(Routes.applicationCommands(clientId))) as Command[];
    const both = overlap(global, names);
    return { duplicates: both.length > 0 ? [{ scope: "global", names: both }] : [], unchecked: 0 };
  } catch (err) {
    logger.warn({ err: String(err) }, "could not check the global registration for duplicates");
    return { duplicates: [], unchecked: 0 };
  }
}

/** A global registration: the servers the bot is in that also have their own registration. */
async function guildDuplicates(
  rest: REST,
  clientId: string,
  names: string[],
  logger: Logger,
): Promise<{ duplicates: DuplicateRegistration[]; unchecked: number }> {
  let guilds: Array<{ id: string }>;
  try {
    guilds = (await rest.get(Routes.userGuilds())) as Array<{ id: string }>;
  } catch (err) {
    logger.warn({ err: String(err) }, "could not list the bot's servers to check for duplicate commands");
    return { duplicates: [], unchecked: 0 };
  }
  const duplicates: DuplicateRegistration[] = [];
  let unchecked = Math.max(0, guilds.length - GUILDS_CHECKED);
  for (const { id } of guilds.slice(0, GUILDS_CHECKED)) {
    try {
      const own = (await rest.get(Routes.applicationGuildCommands(clientId, id))) as Command[];
      const both = overlap(own, names);
      if (both.length > 0) duplicates.push({ scope: "guild", guildId: id, names: both });
    } catch {
      // No access (e.g. invited without applications.commands): reported as not checked.
      unchecked += 1;
    }
  }
  return { duplicates, unchecked };
}

function overlap(registered: Command[], names: string[]): string[] {
  return registered.map((c) => c.name).filter((n) => names.includes(n));
}
