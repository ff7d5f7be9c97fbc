import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ChunkingOptions, chunkArticle, embeddingText } from "../chunk/chunker.js";
import { loadCorpus, type SkippedFile } from "../corpus/load.js";
import type { IndexEmbeddings } from "../embed/types.js";
import type { Logger } from "../logger.js";
import { buildBm25 } from "../store/bm25.js";
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
} from "../store/build.js";
import { acquireIngestLock } from "../store/lock.js";
import { VectorCache } from "../store/vector-cache.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk } from "../types.js";

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

/** Beside CURRENT: what the current build was made from, so that an unchanged corpus keeps it. */
const SOURCE_FILE = "build-source.json";

interface BuildSource {
  buildId: string;
  fingerprint: string;
  skipped: SkippedFile[];
}

/** Every file under `dir`, links followed, hidden files included: at least what loadCorpus reads. */
async function corpusFiles(dir: string, seen = new Set<string>()): Promise<string[]> {
  seen.add(await realpath(dir));
  const files: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink())
      isDirectory = await stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      );
    if (!isDirectory) files.push(full);
    else if (!seen.has(await realpath(full))) files.push(...(await corpusFiles(full, seen)));
  }
  return files;
}

/**
 * A digest of what a build is made from: every corpus file's path and bytes, and the settings
 * and code versions that shape the index. Hashing the files costs a small fraction of parsing,
 * cleaning and tokenising them, and of rebuilding the HNSW graph.
 */
async function corpusFingerprint(corpusDir: string, settings: unknown): Promise<string> {
  const files = await corpusFiles(corpusDir);
  const digests: string[] = new Array(files.length);
  // Several reads in flight: one at a time, thousands of small files wait mostly on round trips.
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const bytes = await readFile(files[i] ?? "").catch(() => null);
      digests[i] = bytes ? createHash("sha256").update(bytes).digest("hex") : "unreadable";
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  const hash = createHash("sha256").update(JSON.stringify(settings));
  files.forEach((file, i) => {
    hash.update(`${path.relative(corpusDir, file)}\0${digests[i]}\n`);
  });
  return hash.digest("hex");
}

async function readBuildSource(indexDir: string): Promise<BuildSource | null> {
  try {
    return JSON.parse(await readFile(path.join(indexDir, SOURCE_FILE), "utf8")) as BuildSource;
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
    const fingerprint = await corpusFingerprint(options.corpusDir, {
      embedder: embeddings.id,
      chunking: options.chunking,
      ef: options.ef,
      formatVersion: FORMAT_VERSION,
      pipelineVersion: PIPELINE_VERSION,
    });
    const source = options.full ? null : await readBuildSource(indexDir);
    const kept = source ? await previousManifest(indexDir) : null;
    if (source && kept && source.buildId === kept.buildId && source.fingerprint === fingerprint) {
      // Same files, same settings, same code versions: the current build is what this ingest
      // would write again, so keep it (at 100k passages a rebuild takes minutes).
      for (const s of source.skipped) logger.warn(`skipped ${s.source}: ${s.reason}`);
      const total = kept.chunkCount;
      const unchanged = Object.keys(kept.files).length;
      return {
        buildId: kept.buildId,
        files: { added: 0, changed: 0, unchanged, removed: 0, skipped: source.skipped.length },
        chunks: { embedded: 0, reused: total, total },
        rebuildReason: null,
        skipped: source.skipped,
        seconds: (performance.now() - started) / 1000,
      };
    }
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
    else if (previous && previous.embedder.id !== embeddings.id)
      rebuildReason = `embedder changed (${previous.embedder.id} → ${embeddings.id})`;
    else if (
      previous &&
      (previous.chunking.size !== options.chunking.size ||
        previous.chunking.overlap !== options.chunking.overlap)
    )
      rebuildReason = "chunking settings changed";
    else if (
      previous &&
      (previous.formatVersion !== FORMAT_VERSION || previous.pipelineVersion !== PIPELINE_VERSION)
    )
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
          throw new Error(
            `embedder returned a vector of ${vec?.length ?? 0} dimensions, expected ${dimension}`,
          );
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
    const record: BuildSource = { buildId: manifest.buildId, fingerprint, skipped };
    const tmp = path.join(indexDir, `${SOURCE_FILE}.tmp-${process.pid}`);
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, path.join(indexDir, SOURCE_FILE));

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
