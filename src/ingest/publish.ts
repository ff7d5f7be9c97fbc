import type { ChunkingOptions } from "../chunk/chunker.js";
import type { SkippedFile } from "../corpus/load.js";
import {
  FORMAT_VERSION,
  type Manifest,
  newBuildId,
  PIPELINE_VERSION,
  pruneBuilds,
  writeBuild,
} from "../store/build.js";
import { type BuildSource, writeBuildSource } from "../store/build-source.js";
import { FileTable } from "../store/file-table.js";
import type { VectorCache } from "../store/vector-cache.js";
import type { Article, Chunk } from "../types.js";
import type { SearchStructures } from "./build-index.js";

export interface Publication {
  articles: Article[];
  chunks: Chunk[];
  structures: SearchStructures;
  embedder: { id: string; dimension: number; model?: string; digest?: string | null };
  chunking: ChunkingOptions;
  now: Date;
  /** The build CURRENT named before this one: kept, since a reader may still be opening it. */
  previousBuildId: string | null;
  /** Vector cache and the keys of this build's passages: other vectors may be dropped. */
  cache: VectorCache;
  keys: string[];
  /** What the build was made from, recorded so that an unchanged corpus keeps it next time. */
  fingerprint: string;
  /** The files' stamps behind the fingerprint, so the next run can skip hashing unchanged ones. */
  stamps?: BuildSource["stamps"];
  skipped: SkippedFile[];
}

function manifestFor(p: Publication): Manifest {
  // Counted once: filtering every chunk per article is quadratic (74k articles × 1M passages).
  const passagesBySource = new Map<string, number>();
  for (const c of p.chunks) passagesBySource.set(c.source, (passagesBySource.get(c.source) ?? 0) + 1);
  return {
    formatVersion: FORMAT_VERSION,
    buildId: newBuildId(p.now),
    builtAt: p.now.toISOString(),
    embedder: { ...p.embedder },
    chunking: { ...p.chunking },
    pipelineVersion: PIPELINE_VERSION,
    files: FileTable.from(
      p.articles.map((a) => [
        a.source,
        {
          sha256: a.sha256,
          title: a.meta.title,
          ...(a.meta.url ? { url: a.meta.url } : {}),
          passages: passagesBySource.get(a.source) ?? 0,
          removedBlocks: a.removed?.length ?? 0,
        },
      ]),
    ),
    chunkCount: p.chunks.length,
  };
}

/**
 * Publish stage: write the build and swap it in atomically, prune builds no reader can need,
 * compact the vector cache, and record what the build was made from. Returns the manifest.
 */
export async function publishBuild(indexDir: string, p: Publication): Promise<Manifest> {
  const manifest = manifestFor(p);
  const { bm25, dense, bridge } = p.structures;
  await writeBuild(indexDir, { manifest, chunks: p.chunks, dense, bm25, bridge });
  await pruneBuilds(indexDir, [manifest.buildId, ...(p.previousBuildId ? [p.previousBuildId] : [])]);
  await p.cache.compact(new Set(p.keys));
  await writeBuildSource(indexDir, {
    buildId: manifest.buildId,
    fingerprint: p.fingerprint,
    ...(p.stamps ? { stamps: p.stamps } : {}),
    skipped: p.skipped,
  });
  return manifest;
}
