import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { FetchLike } from "../ollama/client.js";
import type { Tokenizer } from "../text/tokenizer.js";
import { BuiltinEmbeddings } from "./builtin.js";
import { OllamaEmbeddings } from "./ollama-embeddings.js";
import type { IndexEmbeddings } from "./types.js";

export type { IndexEmbeddings };

/** The one place that turns EMBEDDING_PROVIDER into an embedder. */
export function createEmbeddings(
  config: Config,
  deps: { tokenizer: Tokenizer; logger: Logger; fetch?: FetchLike },
): IndexEmbeddings {
  if (config.embeddingProvider === "ollama") {
    return new OllamaEmbeddings({
      host: config.ollama.host,
      model: config.ollama.embedModel,
      batchSize: config.ollama.embedBatchSize,
      concurrency: config.ollama.embedConcurrency,
      timeoutMs: config.ollama.timeoutMs,
      logger: deps.logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  }
  return new BuiltinEmbeddings(deps.tokenizer);
}
