import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Bridge } from "../text/bridge.js";
import type { Chunk } from "../types.js";
import { type Bm25Data, saveBm25 } from "./bm25.js";
import type { DenseIndex } from "./dense/dense-index.js";
import { FileTable } from "./file-table.js";
import { writePassages } from "./passages.js";

/**
 * Bump when the on-disk layout or the meaning of a stored field changes.
 * 2: the dense index keeps its own label → chunk id list (dense/), and ef left the manifest.
 * 3: typed-array files: passages/ (text read by offset), bm25/ (sorted terms, postings), the
 *    dense index's ids as a string table, and an exact column index for the builtin embedder.
 * 4: passages carry a lead (the sentence introducing a table or code block); bridge.json.
 * 5: the manifest counts each file's passages instead of listing their ids.
 * 6: the builtin embedder's column index keeps only non-zero entries (starts, positions, values).
 * 7: the bridge as string tables (bridge/ for bridge.json), and the manifest's per-file records
 *    as typed-array files (files/): loading parses no JSON but a small manifest.
 */
export const FORMAT_VERSION = 7;

export interface FileEntry {
  sha256: string;
  title: string;
  url?: string;
  /**
   * Passages made from the file. A count, not the list of their ids: at a million passages the
   * list made the manifest tens of megabytes of JSON, parsed on every load for a number.
   */
  passages: number;
  /** Blocks of page furniture cleaning dropped from the file. */
  removedBlocks?: number;
}

export interface Manifest {
  formatVersion: number;
  buildId: string;
  builtAt: string;
  /**
   * What embedded the vectors. `model` and `digest` identify a served model beyond its name (a
   * re-pulled model may embed differently at the same size); absent for the builtin embedder
   * and in builds written before they were recorded.
   */
  embedder: { id: string; dimension: number; model?: string; digest?: string | null };
  chunking: { size: number; overlap: number };
  /** Changes to cleaning, chunking or tokenising code that should force a rebuild. */
  pipelineVersion: string;
  /** Stored in files/, not in manifest.json (src/store/file-table.ts). */
  files: FileTable;
  chunkCount: number;
}

/** What manifest.json holds. Builds before format 7 listed their files in it too. */
type ManifestJson = Omit<Manifest, "files"> & { files?: Record<string, FileEntry> };

/** clean-2: boilerplate classifier over blocks; tables, code and diagrams kept (chunk-2); chunk-3: leads; tok-2: no possessive 's; tok-3: Traditional read as Simplified. */
export const PIPELINE_VERSION = "clean-2/chunk-3/tok-3";

export const layout = (indexDir: string) => ({
  current: path.join(indexDir, "CURRENT"),
  builds: path.join(indexDir, "builds"),
  cache: path.join(indexDir, "cache"),
  lock: path.join(indexDir, "ingest.lock"),
  build: (id: string) => path.join(indexDir, "builds", id),
});

/** A build directory: each entry but the manifest is a folder of typed-array files. */
export const buildFiles = (dir: string) => ({
  manifest: path.join(dir, "manifest.json"),
  /** src/store/passages.ts */
  passages: path.join(dir, "passages"),
  /** src/store/bm25.ts */
  bm25: path.join(dir, "bm25"),
  /** src/store/dense/ */
  dense: path.join(dir, "dense"),
  /** src/text/bridge.ts: the index's English ↔ Chinese words */
  bridge: path.join(dir, "bridge"),
  /** src/store/file-table.ts: the manifest's per-file records */
  files: path.join(dir, "files"),
});

export async function readCurrentBuildId(indexDir: string): Promise<string | null> {
  try {
    const id = (await readFile(layout(indexDir).current, "utf8")).trim();
    return id === "" ? null : id;
  } catch {
    return null;
  }
}

/** manifest.json alone: what loading reads before it knows whether it can read the rest. */
export async function readManifestJson(buildDir: string): Promise<ManifestJson> {
  return JSON.parse(await readFile(buildFiles(buildDir).manifest, "utf8")) as ManifestJson;
}

/**
 * The manifest with its file list. An older build's list is still read from its manifest.json:
 * the ingest that replaces it compares files against it, as it did before the format changed.
 */
export async function readManifest(indexDir: string, buildId: string): Promise<Manifest> {
  const dir = layout(indexDir).build(buildId);
  const { files, ...manifest } = await readManifestJson(dir);
  return {
    ...manifest,
    files: files ? FileTable.from(Object.entries(files)) : await FileTable.load(buildFiles(dir).files),
  };
}

export function newBuildId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 17)}-${randomBytes(3).toString("hex")}`;
}

export interface BuildContents {
  manifest: Manifest;
  chunks: Chunk[];
  /** null when there is nothing to search (an empty corpus). */
  dense: DenseIndex | null;
  bm25: Bm25Data;
  bridge: Bridge;
}

/**
 * Write a complete build into a temporary directory, rename it into place, then point CURRENT
 * at it by renaming a temporary file over it. Both renames are atomic on one filesystem, so a
 * reader sees the old build or the new one, never a mixture, whenever the process dies.
 */
export async function writeBuild(indexDir: string, contents: BuildContents): Promise<void> {
  const dirs = layout(indexDir);
  const { buildId } = contents.manifest;
  const tmp = path.join(dirs.builds, `.tmp-${buildId}`);
  await mkdir(tmp, { recursive: true });
  const files = buildFiles(tmp);
  if (contents.dense) await contents.dense.save(files.dense);
  await writePassages(files.passages, contents.chunks);
  await saveBm25(files.bm25, contents.bm25);
  await contents.bridge.save(files.bridge);
  const { files: fileTable, ...manifest } = contents.manifest;
  await fileTable.save(files.files);
  // The manifest is written last: a build directory with a manifest is complete.
  await writeFile(files.manifest, JSON.stringify(manifest, null, 2));
  await rename(tmp, dirs.build(buildId));
  const pointer = `${dirs.current}.tmp-${process.pid}`;
  await writeFile(pointer, `${buildId}\n`);
  await rename(pointer, dirs.current);
}

/**
 * Remove builds other than the current one and the one before it (a reader that has just read
 * the old pointer may still be opening that one), and any temporary leftovers of crashed ingests.
 */
export async function pruneBuilds(indexDir: string, keep: string[]): Promise<string[]> {
  const dirs = layout(indexDir);
  let entries: string[] = [];
  try {
    entries = await readdir(dirs.builds);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    if (keep.includes(name)) continue;
    await rm(path.join(dirs.builds, name), { recursive: true, force: true });
    removed.push(name);
  }
  for (const name of await readdir(indexDir)) {
    if (name.startsWith("CURRENT.tmp-")) await rm(path.join(indexDir, name), { force: true });
  }
  return removed;
}

/** The manifest of the build CURRENT names, or null when there is none or it cannot be read. */
export async function readCurrentManifest(indexDir: string): Promise<Manifest | null> {
  const id = await readCurrentBuildId(indexDir);
  if (!id) return null;
  try {
    return await readManifest(indexDir, id);
  } catch {
    return null;
  }
}
