/**
 * A token Discord refuses (revoked, reset, or from another application) is an operator's setup
 * problem with one fix; it gets one readable line naming that fix instead of an API error and a
 * stack. The token itself is never part of the message.
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, GatewayCloseCodes } from "discord.js";
import { UserError } from "../errors.js";

export const TOKEN_REJECTED =
  "Discord rejected the token: reset it in the Developer Portal → Bot and update DISCORD_TOKEN";

export class TokenRejectedError extends UserError {
  constructor(options?: { cause?: unknown }) {
    super("bad-input", TOKEN_REJECTED, options);
    this.name = "TokenRejectedError";
  }
}

/**
 * Whether Discord refused the token: a REST 401 (register-commands, and the bot's first request
 * at login), discord.js's TokenInvalid, or a gateway close 4004 (authentication failed), found
 * anywhere along the error's cause chain.
 */
export function isTokenRejection(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DiscordAPIError && e.status === 401) return true;
    if (e instanceof DiscordjsError && e.code === DiscordjsErrorCodes.TokenInvalid) return true;
    const { code, closeCode } = e as { code?: unknown; closeCode?: unknown };
    if (
      code === GatewayCloseCodes.AuthenticationFailed ||
      closeCode === GatewayCloseCodes.AuthenticationFailed
    )
      return true;
  }
  return false;
}

/** The error to show for `err`: TokenRejectedError when Discord refused the token, else `err` as it is. */
export function explainTokenRejection(err: unknown): unknown {
  return isTokenRejection(err) ? new TokenRejectedError({ cause: err }) : err;
}
