import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { redactSecrets } from "./log-redact.js";

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
 * JSON. The bot keeps JSON logs, which log collectors read, unless LOG_FORMAT=pretty.
 */
export function humanLines(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const raw of String(chunk).split("\n")) {
        if (!raw) continue;
        try {
          const record = JSON.parse(raw) as Record<string, unknown>;
          // A stack is many lines: it follows the record, indented, rather than sit in it as JSON.
          const stacks: string[] = [];
          const extra = Object.entries(record)
            .filter(([k]) => !SKIP.has(k))
            .map(([k, v]) => {
              if (isLoggedError(v)) {
                stacks.push(v.stack.replace(/^/gm, "    "));
                return `${k}=${JSON.stringify(v.message)}`;
              }
              return `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`;
            });
          const label = LABELS[Number(record.level)] ?? "log";
          const line = `${label}: ${String(record.msg ?? "")}${extra.length ? ` (${extra.join(" ")})` : ""}`;
          write(`${[line, ...stacks].join("\n")}\n`);
        } catch {
          write(`${raw}\n`);
        }
      }
      done();
    },
  });
}

/** An error as pino's serializer writes it. */
function isLoggedError(value: unknown): value is { message: string; stack: string } {
  const v = value as { message?: unknown; stack?: unknown } | null;
  return typeof v === "object" && v !== null && typeof v.message === "string" && typeof v.stack === "string";
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
    (options.human
      ? humanLines((line) => process.stderr.write(line))
      : // Synchronous, like process.stderr: a record logged just before the user's last line (or
        // before process.exit) comes out first, not after it or not at all.
        pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level,
      redact: { paths: ["token", "*.token", "config.discord.token", "discord.token"], censor: "[redacted]" },
      // Tokens inside strings (URLs in error messages and stacks), which `redact` cannot see.
      hooks: { streamWrite: redactSecrets },
      base: undefined,
    },
    destination,
  );
}

/** A logger that discards everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
