/**
 * What every command-line entry point shares: config loading and the one place that decides
 * what the user sees when something fails.
 */
import { type Config, ConfigError, loadConfig } from "../src/config.js";
import { isUserError } from "../src/errors.js";
import { createLogger, type Logger } from "../src/logger.js";

export interface CliContext {
  config: Config;
  logger: Logger;
}

export async function runCli(main: (ctx: CliContext) => Promise<number | undefined>): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig();
    logger = createLogger(config.logLevel, { human: true });
    process.exitCode = (await main({ config, logger })) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError || isUserError(err)) {
      process.stderr.write(`error: ${err.message}\n`);
    } else {
      logger?.error({ err }, "unexpected failure");
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    }
    process.exitCode = 1;
  }
}
