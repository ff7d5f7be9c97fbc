/**
 * The longest stretch the event loop could not run a timer: a probe ticks every `intervalMs`
 * and records how late each tick fires. A Discord bot blocked this long cannot acknowledge an
 * interaction (3 s deadline) or heartbeat in the meantime.
 */
export interface BlockProbe {
  /** Stops the probe; the longest block seen, in milliseconds. */
  stop(): number;
}

export function startBlockProbe(intervalMs = 2): BlockProbe {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - intervalMs);
    last = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      // A block still running when we stop counts too.
      longest = Math.max(longest, performance.now() - last - intervalMs);
      return Math.max(0, longest);
    },
  };
}
