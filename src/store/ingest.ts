import { mkdir } from "node:fs/promises";
import { embeddingText, chunkArticle, type ChunkingOptions } from "../chunk/chunker.js";
import { loadCorpus, type SkippedFile } from "../corpus/load.js";
import type { IndexEmbeddings } from "../embed/types.js";
import type { Logger } from "../logger.js";
import { buildBm25 } from "../search/bm25.js";
import type { Tokenizer } from "../search/tokenizer.js";
import type { Chunk } from "../types.js";
import {
  FORMAT_VERSION,
  layout,
  type Manifest,
  newBuildId,
  PIPELINE_VERSION,
  pruneBuilds,
  readCurrentBuildId,
  readManifest,
  writeBuild,
} from "./build.js";
import { acquireIngestLock } from "./lock.js";
import { VectorCache } from "./vector-cache.js";

export interface IngestOptions {
  corpusDir: string;
  indexDir: string;
  chunking: ChunkingOptions;
  ef: number;
  embeddings: IndexEmbeddings;
  tokenizer: Tokenizer;
  logger: Logger;
  /** Re-embed everything, ignoring cached vectors. */
  full?: boolean;
  /** Texts handed to the embedder per call; progress is reported after each. */
  embedBatch?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
  now?: () => Date;
}

export interface IngestSummary {
  buildId: string;
  files: { added: number; changed: number; unchanged: number; removed: number; skipped: number };
  chunks: { embedded: number; reused: number; total: number };
  /** Why everything was re-embedded, when it was. */
  rebuildReason: string | null;
  skipped: SkippedFile[];
  seconds: number;
}

/** The text whose BM25 terms represent a passage: its heading path gives section context. */
export function lexicalText(chunk: Pick<Chunk, "headingPath" | "text">): string {
  return `${chunk.headingPath.join(" ")}\n${chunk.text}`;
}

async function previousManifest(indexDir: string): Promise<Manifest | null> {
  const id = await readCurrentBuildId(indexDir);
  if (!id) return null;
  try {
    return await readManifest(indexDir, id);
  } catch {
    return null;
  }
}

/**
 * Corpus → a new index build: load and clean every article, chunk, embed only what the vector
 * cache lacks, build the BM25 postings and the HNSW graph, and swap the build in atomically.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { indexDir, embeddings, logger, tokenizer } = options;
  const dirs = layout(indexDir);
  await mkdir(indexDir, { recursive: true });
  const release = await acquireIngestLock(dirs.lock, (pid) =>
    logger.warn({ pid }, "taking over the lock of an ingest that is no longer running"),
  );
  try {
    const { articles, skipped } = await loadCorpus(options.corpusDir);
    for (const s of skipped) logger.warn(`skipped ${s.source}: ${s.reason}`);

    const previous = await previousManifest(indexDir);
    const files = { added: 0, changed: 0, unchanged: 0, removed: 0, skipped: skipped.length };
    const current = new Set(articles.map((a) => a.source));
    for (const a of articles) {
      const before = previous?.files[a.source];
      if (!before) files.added++;
      else if (before.sha256 !== a.sha256) files.changed++;
      else files.unchanged++;
    }
    for (const source of Object.keys(previous?.files ?? {})) if (!current.has(source)) files.removed++;

    let rebuildReason: string | null = null;
    if (options.full) rebuildReason = "--full";
    else if (previous && previous.embedder.id !== embeddings.id) rebuildReason = `embedder changed (${previous.embedder.id} → ${embeddings.id})`;
    else if (previous && (previous.chunking.size !== options.chunking.size || previous.chunking.overlap !== options.chunking.overlap))
      rebuildReason = "chunking settings changed";
    else if (previous && (previous.formatVersion !== FORMAT_VERSION || previous.pipelineVersion !== PIPELINE_VERSION))
      rebuildReason = "index format changed";

    const chunks = articles.flatMap((a) => chunkArticle(a, options.chunking));
    const keys = chunks.map((c) => VectorCache.key(embeddings.id, embeddingText(c)));

    // The dimension of a model is only known once it has embedded something.
    let dimension = previous?.embedder.id === embeddings.id ? previous.embedder.dimension : 0;
    if (!dimension) dimension = (await embeddings.embedQuery("dimension")).length;
    const cache = await VectorCache.open(dirs.cache, embeddings.id, dimension);

    const vectors: number[][] = new Array(chunks.length);
    const missing: number[] = [];
    // A full rebuild means what it says: vectors cached under other settings are not trusted.
    chunks.forEach((_, i) => {
      const cached = rebuildReason ? undefined : cache.get(keys[i] ?? "");
      if (cached) vectors[i] = Array.from(cached);
      else missing.push(i);
    });
    if (rebuildReason && rebuildReason !== "--full") logger.info(`full rebuild: ${rebuildReason}`);

    const batch = Math.max(1, options.embedBatch ?? 256);
    options.onProgress?.({ done: 0, total: missing.length });
    for (let b = 0; b < missing.length; b += batch) {
      const slice = missing.slice(b, b + batch);
      const embedded = await embeddings.embedDocuments(slice.map((i) => embeddingText(chunks[i] as Chunk)));
      const entries: Array<[string, number[]]> = [];
      slice.forEach((chunkIndex, j) => {
        const vec = embedded[j];
        if (!vec || vec.length !== dimension) {
          throw new Error(`embedder returned a vector of ${vec?.length ?? 0} dimensions, expected ${dimension}`);
        }
        vectors[chunkIndex] = vec;
        entries.push([keys[chunkIndex] ?? "", vec]);
      });
      await cache.append(entries);
      options.onProgress?.({ done: Math.min(b + batch, missing.length), total: missing.length });
    }

    const bm25 = buildBm25(chunks.map((c) => tokenizer.terms(lexicalText(c))));
    const now = options.now?.() ?? new Date();
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      buildId: newBuildId(now),
      builtAt: now.toISOString(),
      embedder: { id: embeddings.id, dimension },
      chunking: { ...options.chunking },
      pipelineVersion: PIPELINE_VERSION,
      ef: options.ef,
      files: Object.fromEntries(
        articles.map((a) => [
          a.source,
          {
            sha256: a.sha256,
            title: a.meta.title,
            ...(a.meta.url ? { url: a.meta.url } : {}),
            chunkIds: chunks.filter((c) => c.source === a.source).map((c) => c.id),
          },
        ]),
      ),
      chunkCount: chunks.length,
    };
    await writeBuild(indexDir, { manifest, chunks, vectors, bm25 });
    await pruneBuilds(indexDir, [manifest.buildId, ...(previous ? [previous.buildId] : [])]);
    await cache.compact(new Set(keys));

    return {
      buildId: manifest.buildId,
      files,
      chunks: { embedded: missing.length, reused: chunks.length - missing.length, total: chunks.length },
      rebuildReason,
      skipped,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await release();
  }
}
