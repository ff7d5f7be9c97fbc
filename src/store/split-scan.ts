/**
 * Helper threads for the searches of a large index: the passages are cut into slices by
 * position, the calling thread searches the first and each helper one other, over the same
 * shared memory, and the slices' best are merged. Used by the exact column search
 * (src/store/dense/column.ts, helper src/store/dense/column-scan-worker.mjs) and by BM25
 * (src/store/bm25.ts, helper src/store/bm25-worker.mjs). At a million passages those two are
 * nearly all of a question's time; two threads halve them.
 *
 * The search stays synchronous, as the DenseIndex seam is: the request goes out by message, the
 * caller scans its own slice meanwhile, then waits on a shared counter (Atomics.wait; the helpers
 * take about as long as the caller, so the wait is short). A helper that has not answered by the
 * deadline is given up: the caller scans that slice itself and the index stops splitting, so a
 * broken helper costs one slow search, never a wrong or a hung one.
 */
import { Worker } from "node:worker_threads";

export interface SplitOptions {
  /** Threads one search is shared between, the calling one included; 1 scans alone. */
  threads?: number;
  /** The fewest passages worth splitting: below it, messaging costs about what the split saves. */
  splitFrom?: number;
  /** BM25 only: the fewest postings (of the query's terms together) worth splitting a search for. */
  splitPostings?: number;
  /** How long a search waits for its helpers before scanning their slices itself. */
  helperTimeoutMs?: number;
  /** The helper's script (tests substitute one that never answers). */
  helperUrl?: URL;
}

export const SPLIT_DEFAULTS = {
  threads: 1,
  // bench/RESULTS.md ("Two threads for the column scan"): at 100k passages a split search is
  // ~1 ms faster, at 10k it gains nothing measurable.
  splitFrom: 50_000,
  // Measured (900 mixed queries, k = 50): at 100k passages, where the longest query has ~100k
  // postings, splitting made BM25 slower (p95 1.3 -> 2.2 ms); at a million, where 开源 alone has
  // 465k, it halves the slow queries (p95 22 -> 12 ms).
  splitPostings: 200_000,
  // A helper's slice takes ~15 ms at a million passages; a hundred times that means it is gone.
  helperTimeoutMs: 1_500,
} as const;

/** What starts the helpers of one index. */
export interface HelperSpec {
  /** The helper's script. */
  url: URL;
  /** Passages, cut into `threads` slices. */
  count: number;
  threads: number;
  timeoutMs: number;
  /** A helper's workerData for its slice [lo, hi) (large arrays must be over SharedArrayBuffers). */
  data: (lo: number, hi: number) => Record<string, unknown>;
}

/** A request in flight: its number and each helper's result buffer. */
export interface SplitRequest {
  seq: number;
  count: number;
  m: number;
  results: SharedArrayBuffer[];
}

type State = "starting" | "ready" | "broken" | "closed";

export class SplitScan {
  /** Slice boundaries by position: slice s is [bounds[s], bounds[s + 1]); the caller's is slice 0. */
  readonly bounds: number[];
  /** Resolves once every helper has started (true) or one failed to (false). */
  readonly ready: Promise<boolean>;
  private readonly helpers: { worker: Worker; done: Int32Array }[] = [];
  private state: State = "starting";
  private seq = 0;

  private readonly timeoutMs: number;

  constructor({ url, count, threads, timeoutMs, data }: HelperSpec) {
    this.timeoutMs = timeoutMs;
    this.bounds = Array.from({ length: threads + 1 }, (_, s) => Math.round((count * s) / threads));
    const started: Promise<boolean>[] = [];
    for (let s = 1; s < threads; s++) {
      const done = new Int32Array(new SharedArrayBuffer(4));
      const lo = this.bounds[s] as number;
      const hi = this.bounds[s + 1] as number;
      const worker = new Worker(url, { workerData: { ...data(lo, hi), lo, hi, done } });
      // A helper must never keep a process alive that has nothing else to do.
      worker.unref();
      started.push(
        new Promise<boolean>((resolve) => {
          worker.once("message", () => resolve(true));
          worker.once("error", () => resolve(false));
          worker.once("exit", () => resolve(false));
        }),
      );
      // Dead or failed: the next search scans alone rather than wait for it.
      worker.on("error", () => this.giveUp());
      worker.on("exit", () => this.giveUp());
      this.helpers.push({ worker, done });
    }
    this.ready = Promise.all(started).then((all) => {
      if (!all.every(Boolean)) this.giveUp();
      else if (this.state === "starting") this.state = "ready";
      return this.state === "ready";
    });
  }

  /** Ready to take searches (started, not broken, not closed). */
  get usable(): boolean {
    return this.state === "ready";
  }

  /**
   * Sends a request to every helper, which answers with the m best of each of `count` queries
   * in its slice; collect() waits for the answers.
   */
  post(message: Record<string, unknown>, count: number, m: number): SplitRequest {
    this.seq = (this.seq % 2_000_000_000) + 1;
    const request: SplitRequest = { seq: this.seq, count, m, results: [] };
    for (const { worker } of this.helpers) {
      // count × m float64 scores, then count × m int32 positions.
      const result = new SharedArrayBuffer(count * m * 12);
      request.results.push(result);
      worker.postMessage({ ...message, seq: this.seq, result });
    }
    return request;
  }

  /**
   * Each helper's m best per query (one SliceTop per helper; query q's list starts at q × m),
   * or null when one has not answered by the deadline: the helpers are then given up.
   */
  collect(request: SplitRequest): SliceTop[] | null {
    const deadline = performance.now() + this.timeoutMs;
    for (const { done } of this.helpers) {
      for (;;) {
        const seen = Atomics.load(done, 0);
        if (seen === request.seq) break;
        const left = deadline - performance.now();
        if (left <= 0 || this.state !== "ready") {
          this.giveUp();
          return null;
        }
        Atomics.wait(done, 0, seen, left);
      }
    }
    const size = request.count * request.m;
    return request.results.map((result) => ({
      scores: new Float64Array(result, 0, size),
      positions: new Int32Array(result, size * 8, size),
    }));
  }

  /** Ends the helper threads; searches scan alone from here on. */
  async close(): Promise<void> {
    this.state = "closed";
    await Promise.all(this.helpers.map(({ worker }) => worker.terminate()));
  }

  private giveUp(): void {
    if (this.state === "closed" || this.state === "broken") return;
    this.state = "broken";
    for (const { worker } of this.helpers) void worker.terminate();
  }
}

/** Ends the helper threads of an index nobody closed (a build replaced and dropped). */
const unclosed = new FinalizationRegistry<SplitScan>((split) => void split.close());

/**
 * The lifecycle of one index's helpers: started by the first search that finds the index large
 * enough, ended by close(), restarted after the index's contents change (stop()), and never
 * tried again once they failed to answer.
 */
export class SplitHelpers {
  /** Searches shared with the helpers so far (tests and benchmarks check splitting happens). */
  searches = 0;
  readonly options: Required<Omit<SplitOptions, "helperUrl">>;
  private readonly url: URL;
  private split: SplitScan | null = null;
  private closed = false;
  private failed = false;

  constructor(
    /** The index: when it is garbage-collected unclosed, its helpers end. */
    private readonly owner: object,
    options: SplitOptions,
    defaultUrl: URL,
    /** The passages now and each helper's workerData; null when the index cannot be split. */
    private readonly describe: () => { count: number; data: HelperSpec["data"] } | null,
  ) {
    const { helperUrl, ...rest } = options;
    this.options = { ...SPLIT_DEFAULTS, ...rest };
    this.url = helperUrl ?? defaultUrl;
  }

  /** The helpers if they are ready now; starts them when the index is worth splitting. */
  ready(): SplitScan | null {
    const split = this.start();
    return split?.usable ? split : null;
  }

  /** Whether searches are being split: starts the helpers if worth it and waits until they are ready. */
  async whenReady(): Promise<boolean> {
    const split = this.start();
    return split ? (await split.ready) && split.usable : false;
  }

  /** A helper did not answer: the index searches alone from now on. */
  gaveUp(): void {
    this.failed = true;
    void this.stop();
  }

  /** Ends the helpers of contents that changed; the next search starts new ones. */
  async stop(): Promise<void> {
    const split = this.split;
    this.split = null;
    if (!split) return;
    unclosed.unregister(split);
    await split.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private start(): SplitScan | null {
    const { threads, splitFrom, helperTimeoutMs } = this.options;
    if (this.closed || this.failed || threads < 2) return null;
    if (this.split) return this.split;
    const described = this.describe();
    if (!described || described.count < splitFrom) return null;
    this.split = new SplitScan({
      url: this.url,
      count: described.count,
      threads,
      timeoutMs: helperTimeoutMs,
      data: described.data,
    });
    unclosed.register(this.owner, this.split, this.split);
    return this.split;
  }
}

/** The m best of one query in one slice, best first, ties by position; unfilled places hold position -1. */
export interface SliceTop {
  positions: Int32Array;
  scores: Float64Array;
}

/**
 * The m best of several slices' lists of one query, slices in ascending order of positions: on
 * equal scores the earlier slice's passage (the lower position) comes first, as in one scan.
 */
export function mergeTops(lists: readonly { top: SliceTop; at: number }[], m: number): SliceTop {
  const out: SliceTop = { positions: new Int32Array(m).fill(-1), scores: new Float64Array(m) };
  const next = new Int32Array(lists.length);
  for (let p = 0; p < m; p++) {
    let best = -1;
    for (let s = 0; s < lists.length; s++) {
      const { top, at } = lists[s] as { top: SliceTop; at: number };
      const i = next[s] as number;
      if (i >= m || (top.positions[at + i] as number) < 0) continue;
      const bestList = best < 0 ? null : (lists[best] as { top: SliceTop; at: number });
      if (
        !bestList ||
        (top.scores[at + i] as number) > (bestList.top.scores[bestList.at + (next[best] as number)] as number)
      )
        best = s;
    }
    if (best < 0) break;
    const { top, at } = lists[best] as { top: SliceTop; at: number };
    const i = next[best] as number;
    out.positions[p] = top.positions[at + i] as number;
    out.scores[p] = top.scores[at + i] as number;
    next[best] = i + 1;
  }
  return out;
}
