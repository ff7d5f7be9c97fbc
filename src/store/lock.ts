import { open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this process holds: a lock naming our own pid is ours only if it is in here. */
const held = new Set<string>();

/** A lock file younger than this with no readable holder is one being written right now. */
const WRITING_GRACE_MS = 5000;

/**
 * One ingest at a time per index directory. A lock left by a process that died (SIGKILL, power
 * loss) is recognised by its dead pid and taken over, so a crash never blocks the next ingest. A
 * lock naming this process's pid that this process did not take is also stale: after a crash in
 * a container the next ingest often gets the same pid.
 */
export async function acquireIngestLock(
  file: string,
  onStale?: (pid: number) => void,
): Promise<() => Promise<void>> {
  const key = path.resolve(file);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      held.add(key);
      await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      await handle.close();
      return async () => {
        held.delete(key);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let holder: { pid?: number; since?: string } = {};
      try {
        holder = JSON.parse(await readFile(file, "utf8"));
      } catch {
        // An empty or torn lock file: its writer is writing it now, or died between create and write.
      }
      const writing = typeof holder.pid !== "number" && (await isRecent(file));
      const ours = holder.pid === process.pid;
      const running = typeof holder.pid === "number" && (ours ? held.has(key) : alive(holder.pid));
      if (running || writing) {
        throw new UserError(
          "ingest-locked",
          `another ingest (pid ${holder.pid ?? "unknown"}, started ${holder.since ?? "just now"}) is running on this index; wait for it to finish (if none is running, delete ${file})`,
        );
      }
      onStale?.(holder.pid ?? -1);
      await rm(file, { force: true });
    }
  }
  throw new UserError("ingest-locked", `could not take the ingest lock ${file}`);
}

async function isRecent(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < WRITING_GRACE_MS;
  } catch {
    return false;
  }
}

/** Run `work` holding the ingest lock, releasing it however `work` ends. */
export async function withIngestLock<T>(
  file: string,
  onStale: (pid: number) => void,
  work: () => Promise<T>,
): Promise<T> {
  const release = await acquireIngestLock(file, onStale);
  try {
    return await work();
  } finally {
    await release();
  }
}
