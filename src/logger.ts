import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Logs go to stderr so that stdout stays clean for answers and `--json` output. The Discord
 * token is redacted wherever it might appear in structured context.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      redact: { paths: ["token", "*.token", "config.discord.token", "discord.token"], censor: "[redacted]" },
      base: undefined,
    },
    destination,
  );
}

/** A logger that discards everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
