import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import type { Chunk, IndexSummary } from "../types.js";
import { type Bm25Data, Bm25Index } from "./bm25.js";
import { buildFiles, layout, type Manifest, readCurrentBuildId } from "./build.js";
import { DenseIndex } from "./hnsw.js";

/** One loaded index build: passages, lexical postings and the dense graph. */
export interface SearchIndex {
  buildId: string;
  manifest: Manifest;
  chunks: Chunk[];
  bm25: Bm25Index;
  dense: DenseIndex | null;
}

export async function loadSearchIndex(indexDir: string, buildId: string, ef: number): Promise<SearchIndex> {
  const files = buildFiles(layout(indexDir).build(buildId));
  const manifest = JSON.parse(await readFile(files.manifest, "utf8")) as Manifest;
  const chunks = JSON.parse(await readFile(files.chunks, "utf8")) as Chunk[];
  const bm25 = new Bm25Index(JSON.parse(await readFile(files.bm25, "utf8")) as Bm25Data);
  const dense = existsSync(files.hnsw) ? await DenseIndex.load(files.hnsw, ef) : null;
  return { buildId, manifest, chunks, bm25, dense };
}

export function summariseIndex(index: SearchIndex): IndexSummary {
  const counts = new Map<string, number>();
  for (const c of index.chunks) counts.set(c.source, (counts.get(c.source) ?? 0) + 1);
  return {
    builtAt: index.manifest.builtAt,
    embedder: index.manifest.embedder.id,
    sources: Object.entries(index.manifest.files).map(([source, f]) => ({
      source,
      title: f.title,
      ...(f.url ? { url: f.url } : {}),
      passages: counts.get(source) ?? 0,
    })),
  };
}

/**
 * The running bot's view of the index: each call checks which build CURRENT names and loads a
 * new one when an ingest has swapped it in, so answers come from the newest index without a
 * restart. Reading the small pointer file costs far less than a query.
 */
export class IndexHandle {
  private loaded: SearchIndex | null = null;
  private loading: Promise<SearchIndex> | null = null;

  constructor(
    private readonly indexDir: string,
    private readonly embedderId: string,
    private readonly ef: number,
  ) {}

  async current(): Promise<SearchIndex> {
    const id = await readCurrentBuildId(this.indexDir);
    if (!id) {
      throw new UserError("index-missing", `no index at ${this.indexDir}: run "npm run ingest" first`);
    }
    if (this.loaded?.buildId === id) return this.loaded;
    this.loading ??= loadSearchIndex(this.indexDir, id, this.ef).finally(() => {
      this.loading = null;
    });
    const index = await this.loading;
    if (index.manifest.embedder.id !== this.embedderId) {
      throw new UserError(
        "index-mismatch",
        `the index at ${this.indexDir} was built with ${index.manifest.embedder.id}, but the configured embedder is ${this.embedderId}: run "npm run ingest" to rebuild it`,
      );
    }
    this.loaded = index;
    return index;
  }
}
