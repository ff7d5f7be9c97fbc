/**
 * What every entry script shares (ask, eval, ingest, inspect, bench, register-commands and the
 * bot): flag parsing, config loading, the logger, and the one place that decides what the user
 * sees when something fails. A ConfigError or UserError is expected and explained by its message
 * alone: `error: message`, exit 1, never a stack; a usage error (bad flag or value) exits 2, as
 * shells and other CLI tools do. Anything else is a bug or an outage: it is logged with its stack
 * through the logger, and the terminal gets one short line.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import {
  type Config,
  ConfigError,
  type DiscordNeeds,
  type LoadConfigOptions,
  type LogFormat,
  loadConfig,
} from "../src/config.js";
import { isUserError, UserError } from "../src/errors.js";
import { createLogger, type Logger } from "../src/logger.js";

export interface CliContext {
  config: Config;
  logger: Logger;
}

export interface CliOptions {
  /**
   * The log format when LOG_FORMAT is not set. "pretty" (default): one readable line per record,
   * for people at a terminal. "json": one JSON object per record, for log collectors (the bot,
   * register-commands).
   */
  logFormat?: LogFormat;
  /**
   * For a process that keeps running after `main` resolves (the bot): a rejection nobody awaited
   * is logged, and an uncaught exception is logged and ends the process, as its state is unknown.
   * A failure of `main` itself then exits at once, since open connections would keep it alive.
   */
  longRunning?: boolean;
  /** Where settings come from; default .env and the environment. */
  settings?: LoadConfigOptions;
  /** Discord settings this script cannot run without, checked with all the others in one pass. */
  discord?: DiscordNeeds;
}

/** Exit status of a usage error (bad flag or value), as in shells and most CLI tools. */
export const USAGE_EXIT_CODE = 2;

/** `main` returns the exit code (default 0); what it throws becomes exit 1 (2 for usage), as above. */
export async function runCli(
  main: (ctx: CliContext) => Promise<number | undefined>,
  options: CliOptions = {},
): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig({
      ...options.settings,
      ...(options.discord ? { require: options.discord } : {}),
    });
    const format = config.logFormat ?? options.logFormat ?? "pretty";
    logger = createLogger(config.logLevel, { human: format === "pretty" });
    if (options.longRunning) watchProcess(logger);
    process.exitCode = (await main({ config, logger })) ?? 0;
  } catch (err) {
    process.stderr.write(`${describeFailure(err, logger)}\n`);
    process.exitCode = err instanceof UsageError ? USAGE_EXIT_CODE : 1;
    if (options.longRunning) process.exit(process.exitCode);
  }
}

/** A bad command-line flag or value: printed with the usage, no stack, exit 2. */
export class UsageError extends UserError {
  constructor(
    readonly problem: string,
    usage: string,
  ) {
    super("bad-input", `${problem}\n${usage}`);
    this.name = "UsageError";
  }
}

export function usageError(problem: string, usage: string): UsageError {
  return new UsageError(problem, usage);
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
/** What a script accepts: its flags (`--help`/`-h` is added) and whether it takes arguments. */
export interface FlagSpec {
  options: FlagOptions;
  allowPositionals?: boolean;
}
export type ParsedFlags<S extends FlagSpec> = ReturnType<
  typeof parseArgs<{ options: S["options"]; allowPositionals: S["allowPositionals"]; strict: true }>
>;

const HELP = { help: { type: "boolean", short: "h" } } as const satisfies FlagOptions;

/**
 * Strict `node:util` parseArgs: an unknown flag, a missing value or an unexpected argument is a
 * UsageError naming it (never a question, never a stack). Null when `--help`/`-h` was given.
 */
export function parseFlags<const S extends FlagSpec>(
  argv: string[],
  spec: S,
  usage: string,
): ParsedFlags<S> | null {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec.options, ...HELP },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    throw usageError(describeParseError(err, spec.options), usage);
  }
  if (parsed.values.help) return null;
  return parsed as ParsedFlags<S>;
}

/**
 * For an entry script's first line: the flags, converted and checked by `convert` (which throws
 * usageError for a bad value). `--help` prints the usage on stdout and exits 0; a usage error
 * prints `error: …` and the usage on stderr and exits 2. Runs before the settings are read, so
 * that help and flag mistakes do not depend on a valid .env.
 */
export function readFlags<const S extends FlagSpec, T = ParsedFlags<S>>(
  argv: string[],
  spec: S,
  usage: string,
  convert: (flags: ParsedFlags<S>) => T = (flags) => flags as T,
): T {
  try {
    const flags = parseFlags(argv, spec, usage);
    if (flags === null) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    return convert(flags);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}

/** A whole number flag value within bounds, or a usage error saying what the flag takes. */
export function wholeNumberFlag(
  flag: string,
  value: string,
  usage: string,
  bounds: { min: number; max?: number },
): number {
  const n = Number(value);
  const { min, max } = bounds;
  if (value.trim() === "" || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw usageError(`${flag} takes a whole number ${range}`, usage);
  }
  return n;
}

/** parseArgs' messages, in this project's words; the flag named as the user typed it. */
function describeParseError(err: unknown, options: FlagOptions): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${quoted}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
    return `unexpected argument "${quoted}" (this command takes only the options below)`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    // "--k <value>" or "-k, --k <value>": the long name.
    const flag =
      quoted
        .replace(/ <value>$/, "")
        .split(",")
        .at(-1)
        ?.trim() ?? quoted;
    const name = flag.replace(/^-+/, "");
    const option = options[name] ?? Object.values(options).find((o) => o.short === name);
    return option?.type === "boolean" ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return message;
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
