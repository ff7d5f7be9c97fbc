/**
 * Helper threads for the exact column search of a large index (src/store/dense/column.ts): the
 * passages are cut into slices by position, the calling thread scans the first and each helper
 * (src/store/dense/column-scan-worker.mjs) one other, over the same shared column memory. At a
 * million passages a comparison's scan is most of a question's time; two threads halve it.
 *
 * The search stays synchronous, as the DenseIndex seam is: the request goes out by message, the
 * caller scans its own slice meanwhile, then waits on a shared counter (Atomics.wait; the helpers
 * take about as long as the caller, so the wait is short). A helper that has not answered by the
 * deadline is given up: the caller scans that slice itself and the index stops splitting, so a
 * broken helper costs one slow search, never a wrong or a hung one.
 */
import { Worker } from "node:worker_threads";
import type { SliceTop, SparseColumns } from "./column-scan.js";

export interface SplitOptions {
  /** Threads one search is shared between, the calling one included; 1 scans alone. */
  threads?: number;
  /** The fewest passages worth splitting: below it, messaging costs about what the split saves. */
  splitFrom?: number;
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
  // A helper's slice takes ~15 ms at a million passages; a hundred times that means it is gone.
  helperTimeoutMs: 1_500,
} as const;

const HELPER_URL = new URL("./column-scan-worker.mjs", import.meta.url);

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

  constructor(
    columns: SparseColumns,
    count: number,
    threads: number,
    private readonly timeoutMs: number = SPLIT_DEFAULTS.helperTimeoutMs,
    url: URL = HELPER_URL,
  ) {
    if (
      !(
        columns.positions.buffer instanceof SharedArrayBuffer &&
        columns.values.buffer instanceof SharedArrayBuffer
      )
    )
      // Otherwise each helper would receive a copy of the columns, not the columns.
      throw new Error("the columns must be in shared memory to be split between threads");
    this.bounds = Array.from({ length: threads + 1 }, (_, s) => Math.round((count * s) / threads));
    const started: Promise<boolean>[] = [];
    for (let s = 1; s < threads; s++) {
      const done = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(url, {
        workerData: { columns, lo: this.bounds[s], hi: this.bounds[s + 1], done },
      });
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

  /** Sends the queries to every helper; collect() waits for their answers. */
  post(queries: readonly Float64Array[], m: number): SplitRequest {
    this.seq = (this.seq % 2_000_000_000) + 1;
    const count = queries.length;
    const request: SplitRequest = { seq: this.seq, count, m, results: [] };
    for (const { worker } of this.helpers) {
      // count × m float64 scores, then count × m int32 positions.
      const result = new SharedArrayBuffer(count * m * 12);
      request.results.push(result);
      worker.postMessage({ seq: this.seq, queries, m, result });
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
