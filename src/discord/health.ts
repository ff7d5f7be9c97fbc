/**
 * The bot's side of the container healthcheck: while the gateway connection is ready, a small
 * JSON file (HEALTH_FILE) is rewritten every few seconds; scripts/healthcheck.ts reports
 * unhealthy when it goes stale. Stale means what a supervisor cares about: the connection is down
 * (discord.js marks a shard not ready when it closes or stops getting heartbeat acks), the
 * process is gone, or its event loop is blocked, since the writes are timers on that loop.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Client, Events, Status } from "discord.js";
import type { Logger } from "../logger.js";

/** How often the file is rewritten; the healthcheck allows several missed writes (HEALTH_STALE_AFTER_WRITES). */
export const HEALTH_WRITE_INTERVAL_MS = 15_000;

/** What the file holds; the healthcheck reads intervalMs so that both sides agree on "stale". */
export interface HealthRecord {
  writtenAt: string;
  intervalMs: number;
  pid: number;
  shards: Array<{ id: number; status: string; pingMs: number; lastHeartbeatAckAt: string | null }>;
}

export interface HealthFileWriter {
  /** Stops writing and removes the file: a bot that is shutting down is not healthy. */
  stop(): Promise<void>;
}

/** Every shard is connected and identified; a resume or reconnect in progress is not ready. */
export function gatewayIsReady(client: Client): boolean {
  return (
    client.isReady() &&
    client.ws.shards.size > 0 &&
    client.ws.shards.every((shard) => shard.status === Status.Ready)
  );
}

export function writeHealthFileWhileReady(
  client: Client,
  file: string,
  logger: Logger,
  { intervalMs = HEALTH_WRITE_INTERVAL_MS } = {},
): HealthFileWriter {
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  // Writes run one after another, so stop()'s removal cannot be overtaken by a late write. The
  // file of an earlier run is removed first: it must not vouch for this process before it is ready.
  let writes: Promise<void> = rm(file, { force: true }).catch(() => {});

  const writeNow = () => {
    writes = writes.then(async () => {
      if (stopped || !gatewayIsReady(client)) return;
      const record: HealthRecord = {
        writtenAt: new Date().toISOString(),
        intervalMs,
        pid: process.pid,
        shards: client.ws.shards.map((shard) => ({
          id: shard.id,
          status: Status[shard.status] ?? String(shard.status),
          pingMs: shard.ping,
          lastHeartbeatAckAt:
            shard.lastPingTimestamp > 0 ? new Date(shard.lastPingTimestamp).toISOString() : null,
        })),
      };
      try {
        await mkdir(path.dirname(file), { recursive: true });
        // Written aside and renamed, so the healthcheck never reads half a file.
        const temporary = `${file}.${process.pid}.tmp`;
        await writeFile(temporary, `${JSON.stringify(record)}\n`);
        await rename(temporary, file);
        if (failing) logger.info({ file }, "health file written again");
        failing = false;
      } catch (err) {
        // Once per run of failures: a read-only volume would otherwise log every interval.
        if (!failing)
          logger.warn({ err, file }, "could not write the health file; the healthcheck will fail");
        failing = true;
      }
    });
  };

  client.once(Events.ClientReady, () => {
    if (stopped) return;
    writeNow();
    timer = setInterval(writeNow, intervalMs);
    // The gateway connection keeps the process alive, not this timer.
    timer.unref();
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await writes;
      await rm(file, { force: true }).catch(() => {});
    },
  };
}
