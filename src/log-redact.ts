/**
 * Tokens that travel inside strings, removed from every finished log line. An interaction token
 * lets whoever holds it edit the bot's reply and post follow-ups for 15 minutes, and a webhook
 * token lets them post as the webhook; both sit in REST URLs (/interactions/<id>/<token>/callback,
 * /webhooks/<app>/<token>/…), which discord.js puts in its errors' messages, stacks and `url`
 * fields. pino's `redact` only replaces whole fields, so the logger passes each serialised line
 * through redactSecrets (pino's `streamWrite` hook) instead, whatever field or text holds them.
 */

/** /interactions/<id>/<token> and /webhooks/<id>/<token>: the segment after the numeric id. */
const URL_TOKEN = /(\/(?:interactions|webhooks)\/\d+\/)[^/?#\s"'\\]+/g;

/**
 * A bot token (base64 of the bot's id, a timestamp, an HMAC, dot-separated), e.g. in an
 * Authorization header copied into an error.
 */
const BOT_TOKEN = /\b[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}/g;

export const REDACTED = "[redacted]";

export function redactSecrets(line: string): string {
  return line.replace(URL_TOKEN, `$1${REDACTED}`).replace(BOT_TOKEN, REDACTED);
}
