import { createHash } from "node:crypto";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { Article, ArticleMeta } from "../types.js";
import { cleanArticle } from "./clean.js";
import { FrontMatterError, metaFromYaml, splitFrontMatter } from "./front-matter.js";
import { READERS, type ReaderRegistry, readerFor } from "./readers.js";

/** `article.md.meta.yaml` beside an article supplies metadata without editing the article. */
const SIDECAR = /\.meta\.(ya?ml|json)$/i;

export interface SkippedFile {
  source: string;
  reason: string;
}

export interface LoadResult {
  articles: Article[];
  skipped: SkippedFile[];
}

/** A file of the corpus, as both the loader and the unchanged-build check see it. */
export interface CorpusFile {
  path: string;
  /** Path relative to the corpus directory, with forward slashes: how articles are named. */
  source: string;
}

/**
 * The one corpus walker: every file loading may read (articles, sidecars, files it will skip
 * with a reason), in load order. Hidden files and directories are left out. The unchanged-build
 * check hashes exactly this list, so it can never miss a file that loading reads.
 */
export async function listCorpusFiles(corpusDir: string): Promise<CorpusFile[]> {
  return (await walk(corpusDir)).map((file) => ({
    path: file,
    source: path.relative(corpusDir, file).split(path.sep).join("/"),
  }));
}

/**
 * Every file under `dir`, sorted by name. Symbolic links are followed (a linked article is an
 * article); a link whose target is gone is returned as a file, so reading it reports the problem.
 */
async function walk(dir: string, seen = new Set<string>()): Promise<string[]> {
  seen.add(await realpath(dir));
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink())
      isDirectory = await stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      );
    if (isDirectory) {
      // A directory reached twice (a link back up the tree) is walked once.
      if (!seen.has(await realpath(full))) files.push(...(await walk(full, seen)));
    } else if (entry.isFile() || entry.isSymbolicLink()) files.push(full);
  }
  return files;
}

/** The reason a file could not be used, without the absolute path Node puts in its messages. */
function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === "string" && typeof e.syscall === "string") {
    const what =
      { ENOENT: "the file (or the target of its link) does not exist", EACCES: "permission denied" }[
        e.code
      ] ?? e.code;
    return `unreadable: ${what}`;
  }
  return e?.message || String(err);
}

async function readSidecar(file: string): Promise<Partial<ArticleMeta>> {
  for (const ext of [".meta.yaml", ".meta.yml", ".meta.json"]) {
    let text: string;
    try {
      text = await readFile(file + ext, "utf8");
    } catch {
      continue;
    }
    try {
      return metaFromYaml(parseYaml(text));
    } catch (err) {
      throw new FrontMatterError(
        `unreadable sidecar ${path.basename(file + ext)}: ${(err as Error).message.split("\n")[0]}`,
      );
    }
  }
  return {};
}

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Parse one article from its bytes. Throws an Error whose message is the reason to skip it. */
export function parseArticle(
  source: string,
  bytes: Uint8Array,
  sidecar: Partial<ArticleMeta> = {},
  readers: ReaderRegistry = READERS,
): Article {
  const reader = readerFor(source, readers);
  if (!reader) throw new Error("unsupported file type");
  if (bytes.length === 0) throw new Error("empty file");
  const { format } = reader;
  const { meta: fm, body: raw } = splitFrontMatter(reader.read(bytes));
  const base = path.basename(source, path.extname(source));
  const cleaned = cleanArticle(raw, format, { ...fm, ...sidecar }, base);
  if (cleaned.body.replace(/\s/g, "").length === 0) throw new Error("no article text left after cleaning");
  const meta: ArticleMeta = { title: cleaned.title };
  const url = sidecar.url ?? fm.url;
  const author = sidecar.author ?? fm.author ?? cleaned.author;
  const date = sidecar.date ?? fm.date ?? cleaned.date;
  if (url) meta.url = url;
  if (author) meta.author = author;
  if (date) meta.date = date;
  return { source, sha256: sha256(bytes), format, meta, body: cleaned.body, removed: cleaned.removed };
}

/** Read every article under the corpus directory (see loadArticles). */
export async function loadCorpus(corpusDir: string, readers: ReaderRegistry = READERS): Promise<LoadResult> {
  return loadArticles(await listCorpusFiles(corpusDir), readers);
}

/** Parses one file's bytes into an article, or throws with the reason to skip it. */
export type ArticleParser = (
  source: string,
  bytes: Uint8Array,
  sidecar: Partial<ArticleMeta>,
) => Article | Promise<Article>;

export interface LoadOptions {
  /** parseArticle with the loader's readers on this thread by default; a worker pool can stand in. */
  parse?: ArticleParser;
  /** Files read and parsed at the same time (results are still taken in corpus order); 1 by default. */
  parallelism?: number;
}

/** What reading one file gave, before the in-order duplicate check decides whether it is used. */
interface FileOutcome {
  source: string;
  /** The bytes' hash and size; null when the file could not be read. */
  read: { hash: string; size: number } | null;
  /** The article, or why the file is skipped (unreadable, bad sidecar, parse failure). */
  result: { article: Article } | { reason: string };
}

/**
 * Read, parse and clean the listed files. Files that cannot be used are skipped with a reason
 * naming them; nothing here throws for a bad file. With `parallelism` above 1, several files are
 * read and parsed at once, but they are judged in corpus order, so the articles, the skip
 * reasons and which copy of a duplicate is kept are exactly what one file at a time gives.
 */
export async function loadArticles(
  files: CorpusFile[],
  readers: ReaderRegistry = READERS,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const articles: Article[] = [];
  const skipped: SkippedFile[] = [];
  const byHash = new Map<string, string>();
  const parse: ArticleParser =
    options.parse ?? ((source, bytes, sidecar) => parseArticle(source, bytes, sidecar, readers));
  const listed = files.filter((f) => !SIDECAR.test(f.path));

  const outcome = async ({ path: file, source }: CorpusFile): Promise<FileOutcome> => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (err) {
      return { source, read: null, result: { reason: reasonOf(err) } };
    }
    const read = { hash: sha256(bytes), size: bytes.length };
    try {
      return { source, read, result: { article: await parse(source, bytes, await readSidecar(file)) } };
    } catch (err) {
      return { source, read, result: { reason: reasonOf(err) } };
    }
  };

  const parallelism = Math.max(1, options.parallelism ?? 1);
  const inFlight: Array<Promise<FileOutcome> | null> = [];
  let next = 0;
  const startNext = () => {
    const file = listed[next++] as CorpusFile;
    // A file of a type no reader takes is not read at all.
    inFlight.push(readerFor(file.path, readers) ? outcome(file) : null);
  };
  while (next < listed.length && inFlight.length < parallelism) startNext();
  for (const file of listed) {
    const pending = inFlight.shift();
    if (next < listed.length) startNext();
    if (!pending) {
      skipped.push({
        source: file.source,
        reason: `unsupported file type (expected ${Object.keys(readers).join(" ")})`,
      });
      continue;
    }
    const { source, read, result } = await pending;
    // An exact copy of an article already taken is skipped whatever its own parse gave.
    const original = read ? byHash.get(read.hash) : undefined;
    if (read && original !== undefined && read.size > 0) {
      skipped.push({ source, reason: `exact duplicate of ${original}` });
      continue;
    }
    if ("reason" in result) {
      skipped.push({ source, reason: result.reason });
      continue;
    }
    if (read) byHash.set(read.hash, source);
    articles.push(result.article);
  }
  return { articles, skipped };
}
