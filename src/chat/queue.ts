/**
 * One queue for answer work. Answering holds a model (or at least a CPU) for seconds, so only
 * `concurrency` answers run at once; the rest wait in order and are told their place, which
 * changes as the queue moves.
 */

export class QueueClosedError extends Error {
  constructor() {
    super("the answer queue is closed (shutting down)");
    this.name = "QueueClosedError";
  }
}

interface Waiting {
  start: () => void;
  onPosition: ((position: number) => void) | undefined;
}

export class AnswerQueue {
  #active = 0;
  #closed = false;
  readonly #waiting: Waiting[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be ≥ 1");
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
   * once and again whenever it moves up. Rejects with QueueClosedError once `close()` was called.
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
      this.#waiting.push({ start, onPosition });
      notify(onPosition, this.#waiting.length);
    });
  }

  /** Refuses new work; work already accepted (running or waiting) still runs. */
  close(): void {
    this.#closed = true;
  }

  #next(): void {
    while (this.#active < this.concurrency) {
      const item = this.#waiting.shift();
      if (!item) break;
      item.start();
      this.#waiting.forEach((w, i) => {
        notify(w.onPosition, i + 1);
      });
    }
  }
}

function notify(onPosition: ((position: number) => void) | undefined, position: number): void {
  try {
    onPosition?.(position);
  } catch {
    // A position update is cosmetic; a failing callback must not stall the queue.
  }
}
