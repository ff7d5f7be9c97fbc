/**
 * Articles added and removed from outside the machine (Discord's /addarticle and /removearticle).
 * An upload is checked with the loader's own code before it is saved: the reader registry,
 * front matter, cleaning and chunking that the next ingest will run, so a file the ingest would
 * skip is refused now, with the same reason, instead of being saved to be skipped.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ChunkingOptions, chunkArticle } from "../chunk/chunker.js";
import { listCorpusFiles, parseArticle, sha256 } from "./load.js";
import { READERS, type ReaderRegistry, readerFor } from "./readers.js";

/** What an upload may be: the three formats people capture articles in. */
export const UPLOAD_EXTENSIONS = [".md", ".txt", ".html"] as const;

export type UploadRefusal =
  | { kind: "type"; extension: string }
  | { kind: "too-large"; bytes: number; maxBytes: number }
  | { kind: "host"; host: string }
  | { kind: "download"; reason: string }
  | { kind: "duplicate-name"; existing: string }
  | { kind: "duplicate-content"; existing: string }
  /** The loader would skip it; `reason` is the loader's own. */
  | { kind: "unusable"; reason: string }
  | { kind: "not-found"; name: string };

/** An upload or removal that is refused; the refusal says why, for the user. */
export class UploadRefusedError extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(`upload refused: ${refusal.kind}`);
    this.name = "UploadRefusedError";
  }
}

const refuse = (refusal: UploadRefusal): never => {
  throw new UploadRefusedError(refusal);
};

export interface UploadSettings {
  corpusDir: string;
  /** Absolute, inside corpusDir. */
  uploadDir: string;
  maxBytes: number;
  chunking: ChunkingOptions;
  readers?: ReaderRegistry;
}

/** Characters kept in a stem: letters and digits of any script, dot, dash, underscore. */
const UNSAFE = /[^\p{L}\p{N}._-]+/gu;
const MAX_STEM = 80;

/**
 * A name that is safe to save under: the last path part only (no folders, no "..") , letters
 * and digits of any script plus `.-_`, no leading dot (the corpus walker skips hidden files),
 * at most 80 characters before the extension, and the extension lower-cased. Refuses an
 * extension that is not an upload's.
 */
export function sanitiseFileName(name: string): string {
  const base = name.normalize("NFC").split(/[/\\]/).pop() ?? "";
  const ext = path.extname(base).toLowerCase();
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) refuse({ kind: "type", extension: ext });
  const stem = base
    .slice(0, base.length - ext.length)
    .replace(UNSAFE, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, MAX_STEM);
  return `${stem || "article"}${ext}`;
}

/** Origins an attachment may be downloaded from: Discord's CDN, or the configured API's own. */
export function attachmentOrigins(discordApiUrl: string): string[] {
  return ["https://cdn.discordapp.com", "https://media.discordapp.net", new URL(discordApiUrl).origin];
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The attachment's bytes, from the URL Discord gave and only from an allowed origin (the URL
 * comes with the interaction, and a fetch elsewhere would be a request on someone's behalf).
 * Stops reading past `maxBytes`, whatever the size the attachment claimed.
 */
export async function downloadAttachment(
  url: string,
  options: { maxBytes: number; origins: string[]; fetch: FetchLike; timeoutMs?: number },
): Promise<Uint8Array> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse({ kind: "download", reason: "the attachment has no valid address" });
  }
  if (!options.origins.includes(parsed.origin)) refuse({ kind: "host", host: parsed.host });
  let response: Response;
  try {
    response = await options.fetch(parsed.href, {
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    return refuse({ kind: "download", reason: (err as Error).message });
  }
  if (!response.ok) refuse({ kind: "download", reason: `HTTP ${response.status}` });
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    refuse({ kind: "too-large", bytes: declared, maxBytes: options.maxBytes });
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of response.body ?? []) {
    size += part.length;
    if (size > options.maxBytes) refuse({ kind: "too-large", bytes: size, maxBytes: options.maxBytes });
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** An upload that passed every check, with what the ingest will keep of it. */
export interface CheckedUpload {
  /** The sanitised file name. */
  name: string;
  /** As the index names it: relative to the corpus, forward slashes. */
  source: string;
  file: string;
  bytes: Uint8Array;
  title: string;
  passages: number;
  headings: number;
  /** Blocks of page furniture cleaning removes. */
  removedBlocks: number;
}

/** The corpus's article files (what an ingest reads), by source name; none when there is no corpus yet. */
export async function listArticleSources(corpusDir: string, readers = READERS): Promise<string[]> {
  const exists = await stat(corpusDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return [];
  return (await listCorpusFiles(corpusDir)).filter((f) => readerFor(f.path, readers)).map((f) => f.source);
}

/**
 * Everything but saving: type, size, name, duplicates of the corpus (same name anywhere in it,
 * or the same bytes: the loader skips exact duplicates), and the loader's parse and clean.
 */
export async function checkUpload(
  settings: UploadSettings,
  upload: { fileName: string; bytes: Uint8Array },
): Promise<CheckedUpload> {
  const readers = settings.readers ?? READERS;
  const name = sanitiseFileName(upload.fileName);
  const { bytes } = upload;
  if (bytes.length > settings.maxBytes)
    refuse({ kind: "too-large", bytes: bytes.length, maxBytes: settings.maxBytes });
  const file = path.join(settings.uploadDir, name);
  const source = path.relative(settings.corpusDir, file).split(path.sep).join("/");
  const exists = await stat(settings.corpusDir).then(
    () => true,
    () => false,
  );
  const files = exists ? await listCorpusFiles(settings.corpusDir) : [];
  const hash = sha256(bytes);
  for (const f of files) {
    if (!readerFor(f.path, readers)) continue;
    if (path.basename(f.path).toLowerCase() === name.toLowerCase())
      refuse({ kind: "duplicate-name", existing: f.source });
    // Only a file of the same size can have the same bytes: most are never read.
    const size = await stat(f.path).then(
      (s) => s.size,
      () => -1,
    );
    if (size === bytes.length && sha256(await readFile(f.path)) === hash)
      refuse({ kind: "duplicate-content", existing: f.source });
  }
  let article: ReturnType<typeof parseArticle>;
  try {
    article = parseArticle(source, bytes, {}, readers);
  } catch (err) {
    return refuse({ kind: "unusable", reason: (err as Error).message });
  }
  const chunks = chunkArticle(article, settings.chunking);
  const headings = new Set(chunks.map((c) => c.headingPath.join(" › ")).filter((h) => h !== ""));
  return {
    name,
    source,
    file,
    bytes,
    title: article.meta.title,
    passages: chunks.length,
    headings: headings.size,
    removedBlocks: article.removed?.length ?? 0,
  };
}

/** Writes a checked upload; never over an existing file. */
export async function saveUpload(upload: CheckedUpload): Promise<void> {
  await mkdir(path.dirname(upload.file), { recursive: true });
  try {
    await writeFile(upload.file, upload.bytes, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      refuse({ kind: "duplicate-name", existing: upload.source });
    throw err;
  }
}

/** A deleted article, with a way to put it back (when the ingest after the deletion fails). */
export interface RemovedArticle {
  file: string;
  restore(): Promise<void>;
}

/**
 * Deletes one article of the corpus and its metadata sidecars. `source` must be one of the
 * corpus's article files as listArticleSources names them: nothing else can be deleted.
 */
export async function removeArticleFile(corpusDir: string, source: string): Promise<RemovedArticle> {
  const sources = await listArticleSources(corpusDir);
  if (!sources.includes(source)) refuse({ kind: "not-found", name: source });
  const file = path.join(corpusDir, ...source.split("/"));
  const kept: Array<[string, Buffer]> = [];
  for (const f of [file, ...SIDECARS.map((ext) => file + ext)]) {
    const bytes = await readFile(f).catch(() => null);
    if (bytes === null) continue;
    kept.push([f, bytes]);
    await rm(f, { force: true });
  }
  return {
    file,
    async restore() {
      for (const [f, bytes] of kept) await writeFile(f, bytes);
    },
  };
}

const SIDECARS = [".meta.yaml", ".meta.yml", ".meta.json"];
