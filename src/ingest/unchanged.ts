import type { Logger } from "../logger.js";
import { FORMAT_VERSION, readCurrentManifest } from "../store/build.js";
import { readBuildSource } from "../store/build-source.js";
import { cleanedFiles, type IngestSummary } from "./summary.js";

/**
 * The current build, summarised as a rebuild would report it, when it was made from exactly
 * these files under these settings and code versions (at 100k passages a rebuild takes minutes).
 * null when anything differs or the record is missing or names another build.
 */
export async function keptBuild(
  indexDir: string,
  fingerprint: string,
  logger: Logger,
): Promise<Omit<IngestSummary, "seconds"> | null> {
  const source = await readBuildSource(indexDir);
  if (!source || source.fingerprint !== fingerprint) return null;
  const kept = await readCurrentManifest(indexDir);
  // The manifest is checked too: a build this version cannot read is never kept, whatever
  // the record beside it says.
  if (!kept || kept.buildId !== source.buildId || kept.formatVersion !== FORMAT_VERSION) return null;
  for (const s of source.skipped) logger.warn(`skipped ${s.source}: ${s.reason}`);
  const total = kept.chunkCount;
  const unchanged = kept.files.count;
  return {
    buildId: kept.buildId,
    files: { added: 0, changed: 0, unchanged, removed: 0, skipped: source.skipped.length },
    chunks: { embedded: 0, reused: total, total },
    rebuildReason: null,
    skipped: source.skipped,
    cleaned: cleanedFiles(Array.from(kept.files.entries(), ([file, f]) => [file, f.removedBlocks ?? 0])),
  };
}
