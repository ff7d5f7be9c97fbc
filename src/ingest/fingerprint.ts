import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ChunkingOptions } from "../chunk/chunker.js";
import type { CorpusFile } from "../corpus/load.js";
import type { ReaderRegistry } from "../corpus/readers.js";
import { FORMAT_VERSION, PIPELINE_VERSION } from "../store/build.js";

/** Several reads in flight: one at a time, thousands of small files wait mostly on round trips. */
const READS_IN_FLIGHT = 16;

/**
 * A digest of what a build is made from: every listed corpus file's path and bytes (sidecars
 * included: they are in the list), and the settings and code versions that shape the index.
 * Hashing the files costs a small fraction of parsing, cleaning and tokenising them, and of
 * rebuilding the dense index. Search-time settings (HNSW's ef) must not be in `settings`.
 */
export async function corpusFingerprint(files: CorpusFile[], settings: unknown): Promise<string> {
  const digests: string[] = new Array(files.length);
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const bytes = await readFile(files[i]?.path ?? "").catch(() => null);
      digests[i] = bytes ? createHash("sha256").update(bytes).digest("hex") : "unreadable";
    }
  };
  await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader));
  const hash = createHash("sha256").update(JSON.stringify(settings));
  files.forEach((file, i) => {
    hash.update(`${file.source}\0${digests[i]}\n`);
  });
  return hash.digest("hex");
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
