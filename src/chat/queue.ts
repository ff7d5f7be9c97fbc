/**
 * One queue for answer work. Answering holds a model (or at least a CPU) for seconds, so only
 * `concurrency` answers run at once; the rest wait in order and are told their place, which
 * changes as the queue moves.
 */

/**
 * A waiting user hears of a new place in line at most this often. Each report is a message edit,
 * and every answer that finishes moves everyone behind it: reporting each move cost 11 edits per
 * question in a burst of 150 questions, against Discord's 50 requests per second for the whole
 * bot. Every 5 s still shows the line moving, and only the latest place is sent.
 */
export const POSITION_REPORT_INTERVAL_MS = 5000;

export interface AnswerQueueOptions {
  /** Least time between two place reports to one waiting task (0: report every move). */
  positionIntervalMs?: number;
  clock?: () => number;
}

export class QueueClosedError extends Error {
  constructor() {
    super("the answer queue is closed (shutting down)");
    this.name = "QueueClosedError";
  }
}

interface Waiting {
  start: () => void;
  abandon: () => void;
  onPosition: ((position: number) => void) | undefined;
  /** The place last reported, and when. */
  shown: number;
  shownAt: number;
  /** A report held back by the interval, due when it ends. */
  timer: NodeJS.Timeout | null;
}

export class AnswerQueue {
  #active = 0;
  #closed = false;
  readonly #waiting: Waiting[] = [];
  readonly #intervalMs: number;
  readonly #clock: () => number;

  constructor(
    readonly concurrency: number,
    { positionIntervalMs = POSITION_REPORT_INTERVAL_MS, clock = Date.now }: AnswerQueueOptions = {},
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be ≥ 1");
    this.#intervalMs = positionIntervalMs;
    this.#clock = clock;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `task` when a slot is free. If it has to wait, `onPosition` hears its 1-based place at
   * once, then its new place after it moves up, at most once per position interval (a move
   * within the interval is reported when it ends). Rejects with QueueClosedError once `close()`
   * was called.
   */
  run<T>(task: () => Promise<T>, onPosition?: (position: number) => void): Promise<T> {
    if (this.#closed) return Promise.reject(new QueueClosedError());
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#active += 1;
        let result: Promise<T>;
        try {
          result = task();
        } catch (err) {
          result = Promise.reject(err);
        }
        result.then(resolve, reject).finally(() => {
          this.#active -= 1;
          this.#next();
        });
      };
      if (this.#active < this.concurrency && this.#waiting.length === 0) {
        start();
        return;
      }
      const position = this.#waiting.length + 1;
      this.#waiting.push({
        start,
        abandon: () => reject(new QueueClosedError()),
        onPosition,
        shown: position,
        shownAt: this.#clock(),
        timer: null,
      });
      notify(onPosition, position);
    });
  }

  /** Refuses new work; work already accepted (running or waiting) still runs. */
  close(): void {
    this.#closed = true;
  }

  /** Closes the queue and rejects every waiting task with QueueClosedError; running ones go on. */
  abandonWaiting(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      if (w.timer !== null) clearTimeout(w.timer);
      w.abandon();
    }
  }

  #next(): void {
    let moved = false;
    while (this.#active < this.concurrency) {
      const item = this.#waiting.shift();
      if (!item) break;
      if (item.timer !== null) clearTimeout(item.timer);
      item.timer = null;
      item.start();
      moved = true;
    }
    if (!moved) return;
    for (const [i, w] of this.#waiting.entries()) this.#report(w, i + 1);
  }

  /** Reports a waiting task's place now, later (when its interval ends) or not at all (unchanged). */
  #report(w: Waiting, position: number): void {
    if (w.onPosition === undefined || position === w.shown || w.timer !== null) return;
    const wait = w.shownAt + this.#intervalMs - this.#clock();
    if (wait > 0) {
      w.timer = setTimeout(() => {
        w.timer = null;
        const now = this.#waiting.indexOf(w) + 1;
        if (now > 0) this.#report(w, now);
      }, wait);
      // A pending report must not keep a stopping process alive.
      w.timer.unref();
      return;
    }
    w.shown = position;
    w.shownAt = this.#clock();
    notify(w.onPosition, position);
  }
}

function notify(onPosition: ((position: number) => void) | undefined, position: number): void {
  try {
    onPosition?.(position);
  } catch {
    // A position update is cosmetic; a failing callback must not stall the queue.
  }
}
