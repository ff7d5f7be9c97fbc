/**
 * `npm run healthcheck` (in the container: `node dist/scripts/healthcheck.js`): exit 0 when the
 * running bot's health file (HEALTH_FILE, written by src/discord/health.ts while the gateway
 * connection is ready) is fresh, 1 otherwise, with one line saying why. Every failure is exit 1,
 * a bad flag included: Docker reserves exit code 2 of a healthcheck.
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { runCli } from "./cli.js";

const usage = `usage: npm run healthcheck -- [--max-age SECONDS]
  --max-age SECONDS  how old the health file may be (default: four of the bot's write intervals, 60 s)
exit 0: the bot is connected to Discord; exit 1: it is not, or has stopped, or is stuck.`;

/** Missed writes tolerated before the bot counts as unhealthy: one late timer is not an outage. */
const STALE_AFTER_WRITES = 4;
/** Used when the file does not say how often it is written (the writer always does). */
const DEFAULT_INTERVAL_MS = 15_000;

function readFlags(argv: string[]): { maxAgeMs?: number } | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { "max-age": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return "help";
  if (values["max-age"] === undefined) return {};
  const seconds = Number(values["max-age"]);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`--max-age must be a number of seconds above 0, not "${values["max-age"]}"`);
  return { maxAgeMs: seconds * 1000 };
}

let flags: ReturnType<typeof readFlags>;
try {
  flags = readFlags(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n${usage}\n`);
  process.exit(1);
}

if (flags === "help") {
  process.stdout.write(`${usage}\n`);
} else {
  const { maxAgeMs } = flags;
  await runCli(async ({ config }) => {
    const verdict = await judge(config.healthFile, maxAgeMs, Date.now());
    process.stdout.write(`${verdict.healthy ? "healthy" : "unhealthy"}: ${verdict.reason}\n`);
    return verdict.healthy ? 0 : 1;
  });
}

async function judge(
  file: string,
  maxAgeMs: number | undefined,
  now: number,
): Promise<{ healthy: boolean; reason: string }> {
  let written: number;
  let text: string;
  try {
    written = (await stat(file)).mtimeMs;
    text = await readFile(file, "utf8");
  } catch {
    return { healthy: false, reason: `no health file at ${file}: the bot is not (yet) connected to Discord` };
  }
  let record: { intervalMs?: unknown; pid?: unknown };
  try {
    record = JSON.parse(text) as typeof record;
  } catch {
    return { healthy: false, reason: `${file} is not the bot's health file (not JSON)` };
  }
  const interval =
    typeof record.intervalMs === "number" && record.intervalMs > 0 ? record.intervalMs : DEFAULT_INTERVAL_MS;
  const limit = maxAgeMs ?? STALE_AFTER_WRITES * interval;
  const age = Math.max(0, now - written);
  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  if (age > limit) {
    return {
      healthy: false,
      reason: `health file last written ${seconds(age)} ago (limit ${seconds(limit)}): the gateway connection is down or the bot is stuck`,
    };
  }
  if (typeof record.pid === "number" && !processExists(record.pid)) {
    return { healthy: false, reason: `the bot process ${record.pid} that wrote ${file} has exited` };
  }
  return { healthy: true, reason: `connected to Discord; health file written ${seconds(age)} ago` };
}

/** Signal 0 tests for a process without touching it; EPERM means it exists but is someone else's. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
