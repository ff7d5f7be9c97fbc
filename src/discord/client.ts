/**
 * The discord.js Client, configured once. Intents are the fewest that work: Guilds (guild,
 * channel and thread cache, interactions in guilds), GuildMessages (mentions in channels and
 * threads) and DirectMessages. MessageContent is NOT requested: messages that mention the bot
 * and DMs carry their content without it, and those are the only messages the bot reads.
 */
import {
  Client,
  DefaultRestOptions,
  GatewayIntentBits,
  type MessageMentionOptions,
  Partials,
} from "discord.js";
import type { Config } from "../config.js";
import { pacedRequests } from "./rest-pacing.js";

export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
] as const;

/**
 * Nothing the bot sends may ping anyone: answers quote model output and article text, either of
 * which can contain "@everyone" or a user id. A fresh object each call, as discord.js copies but
 * a shared mutable default is a trap.
 */
export function noMentions(): MessageMentionOptions {
  return { parse: [], repliedUser: false };
}

export function createDiscordClient(config: Pick<Config, "discord">): Client {
  return new Client({
    intents: [...INTENTS],
    // DM channels are not cached at start-up; without this partial, DM messages are dropped.
    partials: [Partials.Channel],
    allowedMentions: noMentions(),
    // Replying to a message deleted meanwhile sends a plain message instead of failing.
    failIfNotExists: false,
    // Paced below Discord's global limit over any one second (src/discord/rest-pacing.ts).
    rest: { api: config.discord.apiUrl, makeRequest: pacedRequests(DefaultRestOptions.makeRequest) },
  });
}
