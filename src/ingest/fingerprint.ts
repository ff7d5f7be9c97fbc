import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { ChunkingOptions } from "../chunk/chunker.js";
import type { CorpusFile } from "../corpus/load.js";
import type { ReaderRegistry } from "../corpus/readers.js";
import { FORMAT_VERSION, PIPELINE_VERSION } from "../store/build.js";

/** Several reads in flight: one at a time, thousands of small files wait mostly on round trips. */
const READS_IN_FLIGHT = 16;

/** What a file looked like when it was last hashed: enough to skip hashing it again. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** The stamps of a previous fingerprint, and when its files were looked at. */
export interface PreviousStamps {
  statAt: number;
  files: Record<string, FileStamp>;
}

/**
 * A file modified within this long before its stamp was taken could be modified again without
 * its mtime moving (filesystems with coarse timestamps: FAT's is 2 s). Such a file is hashed
 * again rather than trusted: git's "racy" rule.
 */
const RACY_MS = 2000;

/**
 * A digest of what a build is made from: every listed corpus file's path and bytes (sidecars
 * included: they are in the list), and the settings and code versions that shape the index.
 * Hashing the files costs a small fraction of parsing, cleaning and tokenising them, and of
 * rebuilding the dense index. Search-time settings (HNSW's ef) must not be in `settings`.
 *
 * With the stamps of a previous run, a file whose size and mtime are what they were (and were
 * not racy then) keeps its recorded hash unread: an unchanged corpus of 74k files costs one
 * stat each instead of reading a gigabyte. The digest is the same either way.
 */
export async function fingerprintCorpus(
  files: CorpusFile[],
  settings: unknown,
  previous: PreviousStamps | null = null,
): Promise<{ fingerprint: string; stamps: PreviousStamps }> {
  const statAt = Date.now();
  const digests: string[] = new Array(files.length);
  const stamps: Record<string, FileStamp> = {};
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as CorpusFile;
      const info = await stat(file.path).catch(() => null);
      const before = previous?.files[file.source];
      if (
        info &&
        before &&
        previous &&
        before.size === info.size &&
        before.mtimeMs === info.mtimeMs &&
        info.mtimeMs < previous.statAt - RACY_MS
      ) {
        digests[i] = before.sha256;
        stamps[file.source] = before;
        continue;
      }
      const bytes = await readFile(file.path).catch(() => null);
      const sha256 = bytes ? createHash("sha256").update(bytes).digest("hex") : "unreadable";
      digests[i] = sha256;
      if (info && bytes) stamps[file.source] = { size: info.size, mtimeMs: info.mtimeMs, sha256 };
    }
  };
  await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader));
  const hash = createHash("sha256").update(JSON.stringify(settings));
  files.forEach((file, i) => {
    hash.update(`${file.source}\0${digests[i]}\n`);
  });
  return { fingerprint: hash.digest("hex"), stamps: { statAt, files: stamps } };
}

/** The digest alone, every file read and hashed. */
export async function corpusFingerprint(files: CorpusFile[], settings: unknown): Promise<string> {
  return (await fingerprintCorpus(files, settings)).fingerprint;
}

/**
 * Everything besides the files that decides what a build holds: the embedder, the chunking, the
 * formats that can be read (a new reader makes skipped files loadable) and the code versions.
 */
export function buildSettings(
  embedderId: string,
  chunking: ChunkingOptions,
  readers: ReaderRegistry,
  modelDigest: string | null = null,
) {
  return {
    embedder: embedderId,
    // A model re-pulled under the same name is another model: its vectors are not the build's.
    ...(modelDigest ? { modelDigest } : {}),
    chunking,
    formats: Object.keys(readers).sort(),
    formatVersion: FORMAT_VERSION,
    pipelineVersion: PIPELINE_VERSION,
  };
}
