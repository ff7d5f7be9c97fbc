/**
 * Streams text into one message by editing it at most once per interval. Chat platforms rate-limit
 * edits (Discord publishes no number; about one edit per second per message stays clear of its
 * 429s), and while a slow edit is on the wire we keep only the newest text, so edits never pile up
 * a backlog of stale ones.
 */

export interface ThrottledEditor {
  /** Offers the newest text; it is sent now or when the interval allows, superseding older text. */
  push(text: string): void;
  /** Drops unsent text and waits for an edit already on the wire, so a later edit lands last. */
  stop(): Promise<void>;
}

export interface ThrottleOptions {
  intervalMs: number;
  clock?: () => number;
  /** An edit that fails is reported here and streaming goes on; the final answer is sent separately. */
  onError?: (err: unknown) => void;
}

export function createThrottledEditor(
  send: (text: string) => Promise<unknown>,
  { intervalMs, clock = Date.now, onError }: ThrottleOptions,
): ThrottledEditor {
  let pending: string | undefined;
  let lastSent: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const fire = () => {
    const text = pending;
    pending = undefined;
    if (text === undefined || text === lastSent) return;
    lastSent = text;
    lastAt = clock();
    inFlight = send(text)
      .then(
        () => {},
        (err: unknown) => onError?.(err),
      )
      .finally(() => {
        inFlight = null;
        schedule();
      });
  };

  const schedule = () => {
    if (stopped || pending === undefined || inFlight !== null || timer !== null) return;
    const wait = lastAt + intervalMs - clock();
    if (wait <= 0) {
      fire();
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      schedule();
    }, wait);
  };

  return {
    push(text) {
      if (stopped) return;
      pending = text;
      schedule();
    },
    async stop() {
      stopped = true;
      pending = undefined;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
