/**
 * An error whose message is safe to show to a user as it is (no secrets, no stack). Anything
 * else that reaches an entry point is logged and replaced by a short generic message.
 */
export type UserErrorCode =
  | "ollama-unreachable"
  | "ollama-model-missing"
  | "ollama-timeout"
  | "ollama-failed"
  | "index-missing"
  | "index-mismatch"
  | "index-outdated"
  | "corpus-missing"
  | "embedder-dimension"
  | "ingest-locked"
  | "bad-input";

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UserError";
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
