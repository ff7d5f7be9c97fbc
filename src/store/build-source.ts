import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Beside CURRENT: what the current build was made from, so that an unchanged corpus keeps it. */
const SOURCE_FILE = "build-source.json";

export interface BuildSource {
  buildId: string;
  /** Digest of the corpus files and the settings that shape a build (see ingest/fingerprint.ts). */
  fingerprint: string;
  /** Files the build skipped, with reasons: repeated as warnings when the build is kept. */
  skipped: Array<{ source: string; reason: string }>;
  /**
   * Size, mtime and hash of each file when the fingerprint was taken, and when that was: the
   * next ingest hashes only files whose size or mtime moved (see ingest/fingerprint.ts).
   */
  stamps?: { statAt: number; files: Record<string, { size: number; mtimeMs: number; sha256: string }> };
}

export async function readBuildSource(indexDir: string): Promise<BuildSource | null> {
  try {
    return JSON.parse(await readFile(path.join(indexDir, SOURCE_FILE), "utf8")) as BuildSource;
  } catch {
    return null;
  }
}

/** Written after CURRENT moves: a crash in between leaves a record that names another build, so it is ignored. */
export async function writeBuildSource(indexDir: string, record: BuildSource): Promise<void> {
  const tmp = path.join(indexDir, `${SOURCE_FILE}.tmp-${process.pid}`);
  await writeFile(tmp, JSON.stringify(record));
  await rename(tmp, path.join(indexDir, SOURCE_FILE));
}
