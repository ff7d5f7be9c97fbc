/**
 * Parsing and cleaning articles (builtin readers), embedding (builtin embedder) and BM25
 * tokenising on worker threads. All three are pure CPU work per file or passage, and at a
 * million passages they are most of an ingest (~7, ~6 and ~2 minutes on one core); split over
 * the machine's cores they overlap. Only the builtin embedder runs here: it is code, not a
 * server, and each worker makes its own with the shared tokenizer, so articles, vectors and terms
 * are exactly what the main thread would compute (the pool says whether its embedder is the
 * ingest's: `embeds`).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Article, ArticleMeta } from "../types.js";

export interface TokenisedPassage {
  /** Distinct terms, as indexes into the worker's vocabulary… */
  terms: Uint32Array;
  /** …and how often each occurs. */
  tfs: Uint32Array;
  /** All terms, counting repeats. */
  length: number;
}

export interface PassageWorkResult {
  /** One row of `dimension` floats per text to embed. */
  vectors: Float32Array;
  /**
   * Every term the worker that tokenised the batch has met, by index (it only grows, so indexes
   * stay valid); the same array for every batch of that worker.
   */
  vocabulary: readonly string[];
  passages: TokenisedPassage[];
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

interface Reply {
  id: number;
  vectors: Float32Array;
  vocabulary: string[];
  passages: TokenisedPassage[];
  article?: Article;
  /** Why a file given to parse cannot be used (the loader's skip reason). */
  skip?: string;
  /** The worker failed. */
  error?: string;
}

/** A parse failure: the file is skipped with this message as its reason. */
class UnusableFile extends Error {}

/** Below this many passages, starting workers (about a second each) costs more than it saves. */
export const POOL_MIN_PASSAGES = 5000;
/** …and below this many files, for parsing (an article takes a few milliseconds to clean). */
export const POOL_MIN_FILES = 400;

export class PassageWorkers {
  private next = 0;
  private turn = 0;
  private readonly pending = new Map<number, Pending>();
  /** Each worker's terms, in the order it met them: replies carry the new ones, in order. */
  private readonly vocabularies: string[][];

  private constructor(
    private readonly workers: Worker[],
    readonly dimension: number,
    /** Whether the workers' embedder is the ingest's: only then may they embed. */
    readonly embeds: boolean,
  ) {
    this.vocabularies = workers.map(() => []);
    workers.forEach((w, index) => {
      const vocabulary = this.vocabularies[index] as string[];
      w.on("message", (m: Reply) => {
        // Appended on arrival, whoever awaits the reply: a worker replies in the order it works.
        for (const term of m.vocabulary ?? []) vocabulary.push(term);
        m.vocabulary = vocabulary;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`passage worker: ${m.error}`));
        else if (m.skip !== undefined) p.reject(new UnusableFile(m.skip));
        else p.resolve(m);
      });
      w.on("error", (err) => this.failAll(err));
    });
  }

  /**
   * One worker per core (at least one). null when they cannot start: the caller then does the
   * work itself.
   */
  static async start(
    embedderId: string,
    count = Math.max(1, availableParallelism()),
  ): Promise<PassageWorkers | null> {
    const workers: Worker[] = [];
    try {
      const ready = await Promise.all(
        Array.from({ length: count }, async () => {
          const w = new Worker(new URL("./passage-worker.mjs", import.meta.url));
          workers.push(w);
          return new Promise<{ embedderId: string; dimension: number }>((resolve, reject) => {
            w.once("message", resolve);
            w.once("error", reject);
            w.once("exit", (code) => reject(new Error(`passage worker exited with ${code}`)));
          });
        }),
      );
      // By name: a Worker's own newListener/removeListener hooks ref its port for "message"
      // listeners, and removing those too leaves the pool waiting forever for its first reply.
      for (const w of workers)
        w.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
      const embeds = ready.every((r) => r.embedderId === embedderId);
      return new PassageWorkers(workers, ready[0]?.dimension ?? 0, embeds);
    } catch {
      await Promise.all(workers.map((w) => w.terminate()));
      return null;
    }
  }

  /** Embeds `embed` and tokenises `lexical` on the next worker in turn. */
  async run(embed: string[], lexical: string[]): Promise<PassageWorkResult> {
    if (embed.length > 0 && !this.embeds) throw new Error("the passage workers run another embedder");
    const { vectors, vocabulary, passages } = await this.send({ embed, lexical });
    return { vectors, vocabulary, passages };
  }

  /**
   * One file parsed and cleaned by the builtin readers on the next worker (src/corpus/load.ts's
   * parseArticle): the article, or a rejection whose message is the reason to skip the file.
   */
  async parse(source: string, bytes: Uint8Array, sidecar: Partial<ArticleMeta>): Promise<Article> {
    const { article } = await this.send({ parse: { source, bytes, sidecar } });
    if (!article) throw new Error("passage worker: no article in its reply");
    return article;
  }

  private send(message: object): Promise<Reply> {
    const id = this.next++;
    const worker = this.workers[this.turn++ % this.workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  /** Work items worth keeping in flight: two per worker, so none waits between items. */
  get parallelism(): number {
    return this.workers.length * 2;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Runs `items` through `work` with up to `parallelism` in flight, handing results to `done` in
 * item order (so caches and indexes are filled in the same order as one thread would).
 */
export async function inOrder<T, R>(
  items: T[],
  parallelism: number,
  work: (item: T) => Promise<R>,
  done: (result: R, item: T) => Promise<void> | void,
): Promise<void> {
  const inFlight: Array<Promise<R>> = [];
  let next = 0;
  const start = () => {
    const p = work(items[next++] as T);
    // Awaited in turn below; until then a failure must not count as unhandled.
    p.catch(() => {});
    inFlight.push(p);
  };
  while (next < items.length && inFlight.length < parallelism) start();
  for (let i = 0; i < items.length; i++) {
    const result = await (inFlight.shift() as Promise<R>);
    if (next < items.length) start();
    await done(result, items[i] as T);
  }
}
