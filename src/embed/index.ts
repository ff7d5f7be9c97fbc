import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { OllamaClient } from "../ollama/client.js";
import type { Tokenizer } from "../text/tokenizer.js";
import { BuiltinEmbeddings } from "./builtin.js";
import { OllamaEmbeddings } from "./ollama-embeddings.js";
import type { IndexEmbeddings } from "./types.js";

export type { IndexEmbeddings };

/** The one place that turns EMBEDDING_PROVIDER into an embedder. */
export function createEmbeddings(
  config: Config,
  deps: { tokenizer: Tokenizer; logger: Logger; ollama: OllamaClient },
): IndexEmbeddings {
  if (config.embeddingProvider === "ollama") {
    return new OllamaEmbeddings({
      client: deps.ollama,
      model: config.ollama.embedModel,
      batchSize: config.ollama.embedBatchSize,
      concurrency: config.ollama.embedConcurrency,
      logger: deps.logger,
    });
  }
  return new BuiltinEmbeddings(deps.tokenizer);
}
