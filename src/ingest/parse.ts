import { type CorpusFile, type LoadOptions, type LoadResult, loadArticles } from "../corpus/load.js";
import type { ReaderRegistry } from "../corpus/readers.js";
import type { Logger } from "../logger.js";

/**
 * Parse and clean stage: each listed file through its reader, front matter and sidecar, then the
 * cleaner. The two run file by file rather than as two passes because a file's skip reason and
 * the exact-duplicate check depend on both, in corpus order.
 */
export async function parseCorpus(
  files: CorpusFile[],
  readers: ReaderRegistry,
  logger: Logger,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const loaded = await loadArticles(files, readers, options);
  for (const s of loaded.skipped) logger.warn(`skipped ${s.source}: ${s.reason}`);
  return loaded;
}
