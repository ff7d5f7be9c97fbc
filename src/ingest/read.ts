import { stat } from "node:fs/promises";
import { type CorpusFile, listCorpusFiles } from "../corpus/load.js";
import { UserError } from "../errors.js";

/**
 * Read stage: the list of corpus files, the same one the fingerprint hashes and the parser loads.
 * A missing corpus is a setup mistake to report plainly, not a stack trace.
 */
export async function readCorpus(corpusDir: string): Promise<CorpusFile[]> {
  const isDirectory = await stat(corpusDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new UserError(
      "corpus-missing",
      `the corpus folder ${corpusDir} does not exist or is not a folder: set CORPUS_DIR to the folder of articles to index`,
    );
  }
  return listCorpusFiles(corpusDir);
}
