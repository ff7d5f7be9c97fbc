import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

export type { Logger };

const LABELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warning",
  50: "error",
  60: "fatal",
};
const SKIP = new Set(["level", "time", "msg", "pid", "hostname"]);

/**
 * For people at a terminal: one line per record, `warning: message (key=value …)`, instead of
 * JSON. The bot keeps JSON logs, which log collectors read.
 */
export function humanLines(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const raw of String(chunk).split("\n")) {
        if (!raw) continue;
        try {
          const record = JSON.parse(raw) as Record<string, unknown>;
          const extra = Object.entries(record)
            .filter(([k]) => !SKIP.has(k))
            .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
          const label = LABELS[Number(record.level)] ?? "log";
          write(`${label}: ${String(record.msg ?? "")}${extra.length ? ` (${extra.join(" ")})` : ""}\n`);
        } catch {
          write(`${raw}\n`);
        }
      }
      done();
    },
  });
}

/**
 * Logs go to stderr so that stdout stays clean for answers and `--json` output. The Discord
 * token is redacted wherever it might appear in structured context.
 */
export function createLogger(
  level: string,
  options: { human?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const destination =
    options.destination ??
    (options.human ? humanLines((line) => process.stderr.write(line)) : pino.destination(2));
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
