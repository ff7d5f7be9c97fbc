/**
 * LangChain `Embeddings` over Ollama's `/api/embed`. Written here rather than taken from
 * `@langchain/ollama` because that one reads OLLAMA_BASE_URL, sends every text in one request
 * with truncate:false, and retries a 404 (model not pulled) for over a minute.
 */
import { Embeddings } from "@langchain/core/embeddings";
import { UserError } from "../errors.js";
import { type Logger, silentLogger } from "../logger.js";
import {
  describeModel,
  ensureModelPulled,
  isTransientOllamaFailure,
  type ModelIdentity,
  OllamaClient,
  type OllamaClientOptions,
  type OllamaErrorContext,
  toOllamaUserError,
} from "../ollama/client.js";

interface EmbeddingSettings {
  model: string;
  /** Texts per request: batching is about 20x faster than one text per request. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * Repeats of a batch that failed with a 5xx or a dropped connection (never a 4xx), with
   * exponential backoff and jitter; default 3. Only documents (ingest) are retried: a question
   * falls back to BM25 at once rather than keep its asker waiting.
   */
  retries?: number;
  /** First backoff in ms (doubled each repeat, plus up to as much again of jitter); default 500. */
  retryBaseMs?: number;
  /** Injected for tests: waits and randomness of the backoff. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

/**
 * The app passes its shared client; a caller that uses only embeddings (bench/run.ts) may give
 * host and timeout instead and get a client of its own.
 */
export type OllamaEmbeddingsOptions = EmbeddingSettings &
  ({ client: OllamaClient } | (OllamaClientOptions & { client?: never }));

export class OllamaEmbeddings extends Embeddings {
  /** Recorded in the index manifest: vectors from different models must never be mixed. */
  readonly id: string;
  readonly client: OllamaClient;
  private readonly ctx: OllamaErrorContext & { model: string };
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly logger: Logger;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: OllamaEmbeddingsOptions) {
    // We schedule requests ourselves; LangChain's caller would add retries a 404 must not get.
    super({ maxRetries: 0, maxConcurrency: options.concurrency });
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.id = `ollama:${options.model}`;
    this.batchSize = options.batchSize;
    this.concurrency = options.concurrency;
    this.logger = options.logger ?? silentLogger;
    this.retries = options.retries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.client = options.client ?? new OllamaClient(options);
    this.ctx = { ...this.client.errorContext(options.model), model: options.model };
  }

  /**
   * Throws the not-pulled message if the model is missing. Only tests call it today: ingest and
   * questions find out from their first /api/embed call, whose 404 gives the same message.
   */
  async checkModel(): Promise<void> {
    await ensureModelPulled(this.client, this.ctx.model);
  }

  /** Where the embed stage reports what it found about this model (see CheckedEmbeddings). */
  report(message: string): void {
    this.logger.warn(message);
  }

  /**
   * The model as the server holds it (its digest), for the index manifest: a model re-pulled
   * under the same name may embed differently, even at the same dimension.
   */
  async describeModel(): Promise<ModelIdentity> {
    return describeModel(this.client, this.ctx.model);
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedBatch([text]);
    if (vector === undefined) throw new UserError("ollama-failed", "Ollama failed: no embedding returned");
    return vector;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const batches: Array<{ start: number; texts: string[] }> = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      batches.push({ start, texts: texts.slice(start, start + this.batchSize) });
    }
    const out: number[][] = new Array(texts.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    let dimension: number | undefined;

    // A fixed pool of workers bounds requests in flight. After a failure no new batch starts,
    // but running ones are awaited so that no request outlives the call.
    const worker = async () => {
      while (failure === undefined && next < batches.length) {
        const batch = batches[next++]!;
        try {
          const vectors = await this.embedBatchWithRetries(batch.texts);
          for (const [i, v] of vectors.entries()) {
            dimension ??= v.length;
            if (v.length !== dimension) {
              throw new UserError(
                "ollama-failed",
                `Ollama failed: embeddings of different sizes (${dimension} and ${v.length})`,
              );
            }
            out[batch.start + i] = v;
          }
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    if (failure !== undefined) throw failure.error;
    return out;
  }

  private async embedBatchWithRetries(texts: string[]): Promise<number[][]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.embedBatch(texts);
      } catch (err) {
        if (attempt >= this.retries || !isTransientOllamaFailure(err)) throw err;
        // Full jitter on top of the doubling: workers that failed together do not retry together.
        const backoff = this.retryBaseMs * 2 ** attempt;
        const wait = Math.round(backoff + this.random() * backoff);
        this.logger.warn(
          { model: this.ctx.model, attempt: attempt + 1, waitMs: wait, msg: (err as Error).message },
          "embedding batch failed; retrying",
        );
        await this.sleep(wait);
      }
    }
  }

  private async embedBatch(texts: string[]): Promise<number[][]> {
    const started = performance.now();
    let embeddings: unknown;
    try {
      // truncate:true: a chunk longer than the model's context is cut rather than failing the batch.
      const response = await this.client.embed({ model: this.ctx.model, input: texts, truncate: true });
      embeddings = response.embeddings;
    } catch (err) {
      throw toOllamaUserError(err, this.ctx);
    }
    if (!Array.isArray(embeddings) || embeddings.length !== texts.length) {
      const got = Array.isArray(embeddings) ? embeddings.length : "no";
      throw new UserError("ollama-failed", `Ollama failed: asked for ${texts.length} embeddings, got ${got}`);
    }
    this.logger.debug(
      { model: this.ctx.model, texts: texts.length, ms: Math.round(performance.now() - started) },
      "embedded batch",
    );
    return embeddings.map((v: unknown) => normalise(v));
  }
}

/**
 * Ollama already returns unit vectors, but cosine scores in the index assume it, so a model or
 * server version that does not would silently skew every ranking.
 */
function normalise(vector: unknown): number[] {
  if (!Array.isArray(vector) || vector.length === 0) {
    throw new UserError("ollama-failed", "Ollama failed: an embedding was empty or not a list of numbers");
  }
  let sum = 0;
  for (const x of vector) {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new UserError(
        "ollama-failed",
        "Ollama failed: an embedding held a value that is not a finite number",
      );
    }
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (norm === 0) return vector.slice() as number[];
  return (vector as number[]).map((x) => x / norm);
}
