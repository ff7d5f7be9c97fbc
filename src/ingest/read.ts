import { stat } from "node:fs/promises";
import { type CorpusFile, listCorpusFiles } from "../corpus/load.js";
import { UserError } from "../errors.js";

/**
 * The corpus cannot be indexed: its folder is missing, or holds nothing to index. Refused before
 * anything is written, so the index built before stays the current one: an empty or mistyped
 * CORPUS_DIR must not replace a good index with an empty one. The message says what to fix.
 */
export class CorpusUnusableError extends UserError {
  constructor(
    readonly reason: "missing" | "empty",
    message: string,
  ) {
    // One code for both: to a user asking in Discord, either means the articles are not there.
    super("corpus-missing", message);
    this.name = "CorpusUnusableError";
  }
}

export interface ReadCorpusOptions {
  /** Index an empty corpus (an empty index) instead of refusing it: `npm run ingest -- --allow-empty`. */
  allowEmpty?: boolean;
}

/**
 * Read stage: the list of corpus files, the same one the fingerprint hashes and the parser loads.
 * A missing corpus is a setup mistake to report plainly, not a stack trace; so is an empty one,
 * unless the caller asked for an empty index.
 */
export async function readCorpus(corpusDir: string, options: ReadCorpusOptions = {}): Promise<CorpusFile[]> {
  const isDirectory = await stat(corpusDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new CorpusUnusableError(
      "missing",
      `the corpus folder ${corpusDir} does not exist or is not a folder: set CORPUS_DIR to the folder of articles to index`,
    );
  }
  const files = await listCorpusFiles(corpusDir);
  if (files.length === 0 && !options.allowEmpty) throw emptyCorpus(corpusDir, "has no files");
  return files;
}

/** Files were there, but the loader could use none of them (all empty, unreadable or of unknown types). */
export function refuseUnusableCorpus(
  corpusDir: string,
  articles: number,
  skipped: number,
  options: ReadCorpusOptions,
): void {
  if (articles === 0 && !options.allowEmpty)
    throw emptyCorpus(
      corpusDir,
      `has no article that can be indexed (${skipped} files skipped, each named in a warning)`,
    );
}

function emptyCorpus(corpusDir: string, what: string): CorpusUnusableError {
  return new CorpusUnusableError(
    "empty",
    `the corpus folder ${corpusDir} ${what}: the current index is kept. Check CORPUS_DIR, or run "npm run ingest -- --allow-empty" to index no articles`,
  );
}
