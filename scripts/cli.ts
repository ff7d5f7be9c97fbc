/**
 * What every entry script shares (ask, eval, ingest, inspect, bench, register-commands and the
 * bot): config loading, the logger, and the one place that decides what the user sees when
 * something fails. A ConfigError or UserError is expected and explained by its message alone:
 * `error: message`, exit 1, never a stack. Anything else is a bug or an outage: it is logged with
 * its stack through the logger, and the terminal gets one short line.
 */
import { type Config, ConfigError, type LoadConfigOptions, loadConfig } from "../src/config.js";
import { isUserError, UserError } from "../src/errors.js";
import { createLogger, type Logger } from "../src/logger.js";

export interface CliContext {
  config: Config;
  logger: Logger;
}

export interface CliOptions {
  /**
   * "human" (default): one readable line per log record, for people at a terminal. "json": one
   * JSON object per record, for log collectors (the bot, register-commands).
   */
  logFormat?: "human" | "json";
  /**
   * For a process that keeps running after `main` resolves (the bot): a rejection nobody awaited
   * is logged, and an uncaught exception is logged and ends the process, as its state is unknown.
   * A failure of `main` itself then exits at once, since open connections would keep it alive.
   */
  longRunning?: boolean;
  /** Where settings come from; default .env and the environment. */
  settings?: LoadConfigOptions;
}

/** `main` returns the exit code (default 0); what it throws becomes exit 1, as described above. */
export async function runCli(
  main: (ctx: CliContext) => Promise<number | undefined>,
  options: CliOptions = {},
): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(options.settings);
    logger = createLogger(config.logLevel, { human: options.logFormat !== "json" });
    if (options.longRunning) watchProcess(logger);
    process.exitCode = (await main({ config, logger })) ?? 0;
  } catch (err) {
    process.stderr.write(`${describeFailure(err, logger)}\n`);
    process.exitCode = 1;
    if (options.longRunning) process.exit(1);
  }
}

/**
 * A bad command-line flag or value: printed with the usage, no stack. `bad-input` because that is
 * what it is; the code only matters to front ends that translate it.
 */
export function usageError(problem: string, usage: string): UserError {
  return new UserError("bad-input", `${problem}\n${usage}`);
}

/** The line the user sees; an unexpected error is logged in full first. */
function describeFailure(err: unknown, logger: Logger | undefined): string {
  if (err instanceof ConfigError || isUserError(err)) return `error: ${err.message}`;
  logger?.error({ err }, "unexpected failure");
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split("\n", 1)[0] ?? "";
  return `error: unexpected failure: ${firstLine}${logger ? " (details logged above)" : ""}`;
}

function watchProcess(logger: Logger): void {
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (err) => {
    // State is unknown after an uncaught exception: log it and let a supervisor restart us.
    logger.fatal({ err }, "uncaught exception");
    process.exit(1);
  });
}
