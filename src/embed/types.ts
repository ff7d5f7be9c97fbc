import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/** LangChain's Embeddings contract plus a stable identity, so an index records what built it. */
export interface IndexEmbeddings extends EmbeddingsInterface {
  /** e.g. "builtin:hash-v1-512" or "ollama:bge-m3"; part of the vector cache key. */
  readonly id: string;
}
