/**
 * What a user sees when something fails: the one decision every entry point (slash command,
 * button, mention) defers to. A UserError is expected and explained honestly in the user's
 * language; a refusal by the bot itself (shutting down) likewise; anything else is a bug or an
 * outage, so it is logged with context and the user gets a short generic apology.
 */
import type { Logger } from "pino";
import { isUserError } from "../errors.js";
import type { Language } from "../types.js";
import { MESSAGES } from "./i18n.js";
import { QueueClosedError } from "./queue.js";

/** Work refused because the bot is stopping; not a failure worth an error log. */
export class ShuttingDownError extends Error {
  constructor() {
    super("the bot is shutting down");
    this.name = "ShuttingDownError";
  }
}

export interface ErrorContext {
  command?: string;
  userId?: string;
  guildId?: string | null;
  channelId?: string;
  [key: string]: unknown;
}

/** Returns the message to show and logs the error at the level it deserves. */
export function presentError(
  err: unknown,
  language: Language,
  logger: Logger,
  context: ErrorContext,
): string {
  const t = MESSAGES[language];
  if (err instanceof ShuttingDownError || err instanceof QueueClosedError) {
    logger.info(context, "request refused: shutting down");
    return t.shuttingDown;
  }
  if (isUserError(err)) {
    logger.warn(
      { ...context, code: err.code, reason: err.message },
      "request failed with a user-facing error",
    );
    return t.userError[err.code] ?? err.message;
  }
  logger.error({ ...context, err }, "request failed unexpectedly");
  return t.genericError;
}
