/**
 * Gateway close codes after which discord.js does not reconnect (4004, 4010-4014): the bot can
 * do nothing until the operator changes something, so each comes with the fix, in one line, and
 * the process should end with a failure a supervisor can see.
 */
const FATAL_CLOSES: Record<number, { what: string; fix: string }> = {
  4004: {
    what: "Discord rejected the token",
    fix: "reset it in the Developer Portal → Bot and update DISCORD_TOKEN",
  },
  4010: {
    what: "Discord refused the shard the bot asked for",
    fix: "run one process per bot without shard settings, or report a bug",
  },
  4011: {
    what: "the bot is in too many servers for one gateway connection (sharding required)",
    fix: "this bot does not shard; run it for fewer servers",
  },
  4012: {
    what: "Discord no longer accepts this gateway API version",
    fix: "update discord.js (npm update discord.js)",
  },
  4013: {
    what: "Discord did not recognise the gateway intents the bot asked for",
    fix: "update discord.js (npm update discord.js), or report a bug",
  },
  4014: {
    what: "Discord refused a privileged intent the bot asked for",
    fix: "enable it in the Developer Portal → Bot → Privileged Gateway Intents (e.g. Message Content Intent)",
  },
};

/**
 * What @discordjs/ws reports as a shard error just before each fatal close: the close itself is
 * logged with its fix, so these would only repeat it with a stack.
 */
const FATAL_SHARD_ERRORS = new Set([
  "Authentication failed",
  "Invalid shard",
  "Sharding is required",
  "Used an invalid API version",
  "Used invalid intents",
  "Used disallowed intents",
]);

export function isFatalCloseShardError(err: Error): boolean {
  return FATAL_SHARD_ERRORS.has(err.message);
}

export function isFatalGatewayClose(code: number): boolean {
  return code in FATAL_CLOSES;
}

/** Discord closed the gateway for good; the message says why and what to do. */
export class GatewayClosedError extends Error {
  constructor(readonly code: number) {
    const known = FATAL_CLOSES[code];
    super(
      known
        ? `${known.what} (gateway close ${code}): ${known.fix}`
        : `Discord closed the gateway connection (code ${code})`,
    );
    this.name = "GatewayClosedError";
  }
}
