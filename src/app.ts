/**
 * Wiring: turns settings into the objects the pipeline needs, with one Ollama client shared by
 * embeddings and chat. The ask, eval and ingest scripts and the Discord bot create an app and use
 * what it exposes. Two callers work below it on purpose: scripts/inspect.ts reads the index files
 * directly (it only lists them), and bench/run.ts builds its own embedders, index and fake Ollama
 * to measure each stage alone.
 */
import { createAnswerer } from "./answer/answerer.js";
import { type ChatModel, OllamaChat } from "./answer/ollama-chat.js";
import type { Config } from "./config.js";
import { createEmbeddings } from "./embed/index.js";
import type { IndexEmbeddings } from "./embed/types.js";
import { type IngestOptions, type IngestSummary, ingest } from "./ingest/pipeline.js";
import type { Logger } from "./logger.js";
import { type FetchLike, OllamaClient } from "./ollama/client.js";
import { readCurrentBuildId } from "./store/build.js";
import { IndexHandle, summariseIndex } from "./store/search-index.js";
import { sharedTokenizer, type Tokenizer } from "./text/tokenizer.js";
import type { IndexSummary, QuestionAnswerer } from "./types.js";

export interface App {
  config: Config;
  answerer: QuestionAnswerer;
  embeddings: IndexEmbeddings;
  tokenizer: Tokenizer;
  index: IndexHandle;
  describeIndex(): Promise<IndexSummary>;
  /** Ingest the corpus with this app's settings and embedder. */
  ingest(options?: Pick<IngestOptions, "full" | "onProgress">): Promise<IngestSummary>;
  /** Incremental ingest of the corpus; resolves to a one-line summary. */
  reindex(onProgress?: (line: string) => void, options?: { full?: boolean }): Promise<string>;
  /** Build the index if there is none yet; returns the summary when it built one. */
  ensureIndex(onBuild?: () => void): Promise<IngestSummary | null>;
  close(): Promise<void>;
}

export interface AppDeps {
  logger: Logger;
  /** Injected into the Ollama client (tests point it at a local fake). */
  fetch?: FetchLike;
}

export function formatIngestSummary(s: IngestSummary): string {
  const f = s.files;
  const c = s.chunks;
  return `files ${f.added} added, ${f.changed} changed, ${f.unchanged} unchanged, ${f.removed} removed, ${f.skipped} skipped; passages ${c.embedded} embedded, ${c.reused} reused, ${c.total} total; ${s.seconds.toFixed(1)} s`;
}

export function providerNames(config: Config): { embeddings: string; chat: string } {
  return {
    embeddings: config.embeddingProvider === "ollama" ? `ollama:${config.ollama.embedModel}` : "builtin",
    chat: config.chatProvider === "ollama" ? `ollama:${config.ollama.chatModel}` : "extractive",
  };
}

export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  const { logger } = deps;
  const tokenizer = sharedTokenizer();
  // Built even when no provider is Ollama: it is a plain object until something calls it.
  const ollama = new OllamaClient({
    host: config.ollama.host,
    timeoutMs: config.ollama.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const embeddings = createEmbeddings(config, { tokenizer, logger, ollama });
  const chat: ChatModel | null =
    config.chatProvider === "ollama"
      ? new OllamaChat({ client: ollama, model: config.ollama.chatModel, numCtx: config.ollama.numCtx })
      : null;
  const index = new IndexHandle(config.indexDir, embeddings.id, config.retrieval.ef);
  const answerer = createAnswerer({
    index,
    embeddings,
    tokenizer,
    chat,
    logger,
    k: config.retrieval.k,
    numCtx: config.ollama.numCtx,
    providers: providerNames(config),
  });

  const runIngest: App["ingest"] = (options = {}) =>
    ingest({
      corpusDir: config.corpusDir,
      indexDir: config.indexDir,
      chunking: config.chunking,
      ef: config.retrieval.ef,
      embeddings,
      tokenizer,
      logger,
      ...options,
    });

  /** Progress as a line about every tenth of the way, for a Discord reply or a log. */
  const progressLines = (onLine?: (line: string) => void) => {
    let lastReported = -1;
    return ({ done, total }: { done: number; total: number }) => {
      if (!onLine || total === 0) return;
      if (done === total || done - lastReported >= Math.max(1, Math.ceil(total / 10))) {
        lastReported = done;
        onLine(`embedding ${done}/${total} passages`);
      }
    };
  };

  return {
    config,
    answerer,
    embeddings,
    tokenizer,
    index,
    async describeIndex() {
      return summariseIndex(await index.current());
    },
    ingest: runIngest,
    async reindex(onProgress, options) {
      onProgress?.("reading the corpus");
      const summary = await runIngest({
        full: options?.full ?? false,
        onProgress: progressLines(onProgress),
      });
      return formatIngestSummary(summary);
    },
    async ensureIndex(onBuild) {
      if (await readCurrentBuildId(config.indexDir)) return null;
      onBuild?.();
      return runIngest();
    },
    async close() {},
  };
}
