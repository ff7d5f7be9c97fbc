import type { ChunkingOptions } from "../chunk/chunker.js";
import { FORMAT_VERSION, type Manifest, PIPELINE_VERSION } from "../store/build.js";
import type { Article } from "../types.js";
import type { IngestSummary } from "./summary.js";

/** New / changed / unchanged / removed by content hash against the previous build. */
export function compareFiles(
  articles: Article[],
  skipped: number,
  previous: Manifest | null,
): IngestSummary["files"] {
  const files = { added: 0, changed: 0, unchanged: 0, removed: 0, skipped };
  const current = new Set(articles.map((a) => a.source));
  const hashes = new Map<string, string>();
  for (const [source, f] of previous?.files.entries() ?? []) hashes.set(source, f.sha256);
  for (const a of articles) {
    const before = hashes.get(a.source);
    if (before === undefined) files.added++;
    else if (before !== a.sha256) files.changed++;
    else files.unchanged++;
  }
  for (const source of hashes.keys()) if (!current.has(source)) files.removed++;
  return files;
}

/** Why no cached vector may be reused, or null when they all may. */
export function rebuildReason(
  previous: Manifest | null,
  settings: { full: boolean; embedderId: string; chunking: ChunkingOptions; modelDigest?: string | null },
): string | null {
  if (settings.full) return "--full";
  if (!previous) return null;
  if (previous.embedder.id !== settings.embedderId)
    return `embedder changed (${previous.embedder.id} → ${settings.embedderId})`;
  const before = previous.embedder.digest;
  if (before && settings.modelDigest && before !== settings.modelDigest)
    return `the embedding model was pulled again under the same name (digest ${before.slice(0, 12)} → ${settings.modelDigest.slice(0, 12)})`;
  if (
    previous.chunking.size !== settings.chunking.size ||
    previous.chunking.overlap !== settings.chunking.overlap
  )
    return "chunking settings changed";
  if (previous.formatVersion !== FORMAT_VERSION || previous.pipelineVersion !== PIPELINE_VERSION)
    return "index format changed";
  return null;
}
