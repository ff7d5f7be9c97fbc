import { open, readFile, rm } from "node:fs/promises";
import { UserError } from "../errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One ingest at a time per index directory. A lock left by a process that died (SIGKILL, power
 * loss) is recognised by its dead pid and taken over, so a crash never blocks the next ingest.
 */
export async function acquireIngestLock(file: string, onStale?: (pid: number) => void): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      await handle.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let holder: { pid?: number; since?: string } = {};
      try {
        holder = JSON.parse(await readFile(file, "utf8"));
      } catch {
        // An empty or torn lock file: its writer died between create and write.
      }
      if (typeof holder.pid === "number" && alive(holder.pid) && holder.pid !== process.pid) {
        throw new UserError(
          "ingest-locked",
          `another ingest (pid ${holder.pid}, started ${holder.since ?? "earlier"}) is running on this index; wait for it to finish`,
        );
      }
      onStale?.(holder.pid ?? -1);
      await rm(file, { force: true });
    }
  }
  throw new UserError("ingest-locked", `could not take the ingest lock ${file}`);
}
