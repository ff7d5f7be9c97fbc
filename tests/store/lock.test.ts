import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { acquireIngestLock } from "../../src/store/lock.js";
import { tempDir } from "../helpers/ingest-helpers.js";

let file = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  const tmp = await tempDir("lock");
  file = path.join(tmp.dir, "ingest.lock");
  cleanup = tmp.cleanup;
});
afterEach(() => cleanup());

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(child.stdout);
}

async function lockError(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe("acquireIngestLock", () => {
  it("creates a lock file naming this process and removes it on release", async () => {
    const release = await acquireIngestLock(file);
    const holder = JSON.parse(await readFile(file, "utf8"));
    expect(holder.pid).toBe(process.pid);
    expect(Number.isNaN(Date.parse(holder.since))).toBe(false);
    await release();
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a second acquire while the first is held, with a message naming the holder", async () => {
    const release = await acquireIngestLock(file);
    const err = await lockError(acquireIngestLock(file));
    expect(err.code).toBe("ingest-locked");
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toMatch(/another ingest/);
    // The refused attempt left the holder's lock in place.
    expect(JSON.parse(await readFile(file, "utf8")).pid).toBe(process.pid);
    await release();
    const again = await acquireIngestLock(file);
    await again();
  });

  it("refuses while another live process holds the lock", async () => {
    await writeFile(file, JSON.stringify({ pid: process.ppid, since: "2024-01-01T00:00:00.000Z" }));
    const err = await lockError(acquireIngestLock(file));
    expect(err.code).toBe("ingest-locked");
    expect(err.message).toContain(`pid ${process.ppid}`);
    expect(err.message).toContain("2024-01-01T00:00:00.000Z");
    expect(err.message).toContain(file);
  });

  it("takes over a lock left by a process that is no longer running, and says so", async () => {
    const pid = deadPid();
    await writeFile(file, JSON.stringify({ pid, since: new Date().toISOString() }));
    const stale: number[] = [];
    const release = await acquireIngestLock(file, (p) => stale.push(p));
    expect(stale).toEqual([pid]);
    expect(JSON.parse(await readFile(file, "utf8")).pid).toBe(process.pid);
    await release();
  });

  it("takes over an empty or torn lock file left by a writer that died", async () => {
    const longAgo = new Date(Date.now() - 60_000);
    await writeFile(file, "");
    await utimes(file, longAgo, longAgo);
    const release = await acquireIngestLock(file);
    await release();
    await writeFile(file, '{"pid": 12');
    await utimes(file, longAgo, longAgo);
    const again = await acquireIngestLock(file);
    await again();
  });

  it("refuses a lock file created a moment ago whose holder has not written its pid yet", async () => {
    await writeFile(file, "");
    const err = await lockError(acquireIngestLock(file));
    expect(err.code).toBe("ingest-locked");
    expect(existsSync(file)).toBe(true);
  });

  it("takes over a lock that names this pid but was not taken by this process (pid reused after a crash)", async () => {
    await writeFile(file, JSON.stringify({ pid: process.pid, since: "2020-01-01T00:00:00.000Z" }));
    const release = await acquireIngestLock(file);
    expect(JSON.parse(await readFile(file, "utf8")).since).not.toBe("2020-01-01T00:00:00.000Z");
    await release();
  });
});
