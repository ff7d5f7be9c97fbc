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
import { type IngestOptions, ingest, ingestSettings } from "./ingest/pipeline.js";
import { formatIngestSummary, type IngestSummary, progressLine, throttleProgress } from "./ingest/summary.js";
import { IngestWorkerRunner } from "./ingest/worker.js";
import type { Logger } from "./logger.js";
import { checkConfiguredModels, type FetchLike, OllamaClient } from "./ollama/client.js";
import { analyseQuestion } from "./retrieve/query.js";
import { createReranker, type Reranker } from "./retrieve/rerankers/index.js";
import { FORMAT_VERSION, readCurrentBuildId, readManifest } from "./store/build.js";
import { IndexHandle, summariseIndex } from "./store/load.js";
import { sharedTokenizer, type Tokenizer } from "./text/tokenizer.js";
import type { IndexSummary, QuestionAnswerer } from "./types.js";

export interface App {
  config: Config;
  answerer: QuestionAnswerer;
  embeddings: IndexEmbeddings;
  tokenizer: Tokenizer;
  index: IndexHandle;
  /** The reranker RERANKER chose; null: the fused order. */
  reranker: Reranker | null;
  describeIndex(): Promise<IndexSummary>;
  /** Ingest the corpus with this app's settings and embedder. */
  ingest(options?: Pick<IngestOptions, "full" | "allowEmpty" | "onProgress">): Promise<IngestSummary>;
  /** Incremental ingest of the corpus; resolves to a one-line summary. */
  reindex(onProgress?: (line: string) => void, options?: { full?: boolean }): Promise<string>;
  /** reindex, resolving to the whole summary (what /addarticle reports). */
  reindexSummary(onProgress?: (line: string) => void, options?: { full?: boolean }): Promise<IngestSummary>;
  /** The configured Ollama models that are missing or unreachable, one line each (none: []). */
  checkModels(): Promise<string[]>;
  /**
   * Load what the first question would otherwise wait for (the index, the tokenizer's and the
   * builtin embedder's dictionaries), so that it is not the first user who pays ~1–3 s. Never
   * calls a model server; a missing index is left for the question to explain.
   */
  warmUp(): Promise<void>;
  /** Build the index if there is none yet; returns the summary when it built one. */
  ensureIndex(onBuild?: () => void): Promise<IngestSummary | null>;
  close(): Promise<void>;
}

export interface AppDeps {
  logger: Logger;
  /** Injected into the Ollama client (tests point it at a local fake). */
  fetch?: FetchLike;
  /**
   * Run ingests in a child process (default; src/ingest/worker.ts), so the caller's event loop
   * stays free. An injected `fetch` cannot cross to another process: with one, ingests run in
   * this process by default.
   */
  ingestInWorker?: boolean;
}

export { formatIngestSummary };

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
      ? new OllamaChat({
          client: ollama,
          model: config.ollama.chatModel,
          numCtx: config.ollama.numCtx,
          answerTimeoutMs: config.ollama.answerTimeoutMs,
        })
      : null;
  const index = new IndexHandle(config.indexDir, embeddings.id, {
    ef: config.retrieval.ef,
    threads: config.retrieval.searchThreads,
  });
  const reranker = createReranker(config.retrieval, { tokenizer });
  const answerer = createAnswerer({
    index,
    embeddings,
    tokenizer,
    reranker,
    retrieval: config.retrieval,
    chat,
    logger,
    numCtx: config.ollama.numCtx,
    providers: providerNames(config),
  });

  const inWorker = deps.ingestInWorker ?? !deps.fetch;
  const workers = new IngestWorkerRunner(logger);
  const runIngest: App["ingest"] = (options = {}) =>
    inWorker
      ? workers.run(
          // The ingest has no use for the bot token: it does not travel to the ingest process.
          {
            config: { ...config, discord: { ...config.discord, token: undefined } },
            full: options.full ?? false,
            ...(options.allowEmpty ? { allowEmpty: true } : {}),
            logLevel: logger.level,
          },
          options.onProgress,
        )
      : ingest({
          ...ingestSettings(config),
          embeddings,
          tokenizer,
          logger,
          ...options,
        });

  const reindexSummary: App["reindexSummary"] = async (onProgress, options) => {
    onProgress?.("reading the corpus");
    const summary = await runIngest({
      full: options?.full ?? false,
      ...(onProgress ? { onProgress: throttleProgress((p) => onProgress(progressLine(p))) } : {}),
    });
    // Load the new build now rather than on the next question: the switch happens here, and
    // questions asked meanwhile were answered from the previous build.
    await index.current().catch(() => {});
    return summary;
  };

  return {
    config,
    answerer,
    embeddings,
    tokenizer,
    index,
    reranker,
    async describeIndex() {
      return summariseIndex(await index.current());
    },
    ingest: runIngest,
    async reindex(onProgress, options) {
      return formatIngestSummary(await reindexSummary(onProgress, options));
    },
    reindexSummary,
    async checkModels() {
      const models = [
        ...(config.embeddingProvider === "ollama" ? [config.ollama.embedModel] : []),
        ...(config.chatProvider === "ollama" ? [config.ollama.chatModel] : []),
      ];
      return models.length > 0 ? checkConfiguredModels(ollama, models) : [];
    },
    async warmUp() {
      const loaded = await index.current().catch(() => null);
      analyseQuestion("开源和闭源大模型在成本上有什么区别？", tokenizer, loaded?.bridge);
      if (config.embeddingProvider === "builtin") await embeddings.embedQuery("开源大模型的成本");
    },
    async ensureIndex(onBuild) {
      // A build written by an older version is as good as none: rebuild it rather than have
      // every question fail with "index-outdated".
      const current = await readCurrentBuildId(config.indexDir);
      const manifest = current ? await readManifest(config.indexDir, current).catch(() => null) : null;
      if (manifest?.formatVersion === FORMAT_VERSION) return null;
      onBuild?.();
      return runIngest();
    },
    async close() {
      await Promise.all([workers.close(), index.close()]);
    },
  };
}
