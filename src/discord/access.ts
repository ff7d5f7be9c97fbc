/**
 * Who may use the bot, decided from plain ids so that the rule can be read and tested apart from
 * discord.js. bot.ts asks once per interaction or message, before any work: a refused slash
 * command or button gets a short private reply, a refused mention or DM gets nothing (answering
 * would let anyone make the bot talk in a channel it was kept out of).
 */
import type { Config } from "../config.js";

export type AccessRules = Config["access"];

/** Where a request comes from, as ids. */
export interface Requester {
  userId: string;
  /** A DM with the bot (no server, no roles). */
  dm: boolean;
  channelId: string | null;
  /** The channel a thread belongs to; null outside threads. */
  parentChannelId: string | null;
  /** The member's role ids in the server; empty in DMs. */
  roleIds: readonly string[];
}

export type RefusalReason = "blocked-user" | "dms-disabled" | "channel-not-allowed" | "role-not-allowed";

export type AccessDecision = { allowed: true } | { allowed: false; reason: RefusalReason };

const ALLOWED: AccessDecision = { allowed: true };

export function decideAccess(rules: AccessRules, who: Requester): AccessDecision {
  if (rules.blockedUserIds.includes(who.userId)) return { allowed: false, reason: "blocked-user" };
  if (who.dm) return rules.allowDms ? ALLOWED : { allowed: false, reason: "dms-disabled" };
  if (rules.allowedChannelIds.length > 0) {
    // A thread is part of its channel: allowing #questions allows the threads under it.
    const inList = [who.channelId, who.parentChannelId].some(
      (id) => id !== null && rules.allowedChannelIds.includes(id),
    );
    if (!inList) return { allowed: false, reason: "channel-not-allowed" };
  }
  if (rules.allowedRoleIds.length > 0 && !who.roleIds.some((id) => rules.allowedRoleIds.includes(id))) {
    return { allowed: false, reason: "role-not-allowed" };
  }
  return ALLOWED;
}

/** The rules in brief, for the start-up log (counts, not ids). */
export function describeAccess(rules: AccessRules): Record<string, unknown> {
  return {
    channels: rules.allowedChannelIds.length || "any",
    roles: rules.allowedRoleIds.length || "any",
    blockedUsers: rules.blockedUserIds.length,
    dms: rules.allowDms,
  };
}
