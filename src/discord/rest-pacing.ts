/**
 * Keeps the bot's REST requests under Discord's global limit of 50 requests per second per bot.
 * discord.js counts that limit in fixed one-second windows, which lets up to 100 requests through
 * in a second that straddles two windows (50 at the end of one, 50 at the start of the next), and
 * sends each window's 50 at once. Here requests leave evenly spaced, 1000/perSecond ms apart at
 * least, so every second, wherever it starts, holds at most `perSecond` of them. It wraps the
 * function discord.js sends requests with (the REST `makeRequest` option), so every request,
 * retries included, passes through it; an idle bot's request goes at once.
 *
 * Interaction callbacks (the acknowledgement of a slash command or button) are not paced: Discord
 * exempts them from the global limit, and a held-back one would miss the 3-second deadline.
 */
import { performance } from "node:perf_hooks";
import type { RESTOptions } from "discord.js";

export type MakeRequest = RESTOptions["makeRequest"];

/**
 * 40, not 50: requests leave evenly spaced but reach Discord a little bunched (network and event
 * loop jitter), and Discord counts arrivals. Ten a second of margin absorbs that.
 */
export const REST_REQUESTS_PER_SECOND = 40;

const INTERACTION_CALLBACK = /\/interactions\/\d+\/[^/]+\/callback$/;

export function isInteractionCallback(url: string): boolean {
  return INTERACTION_CALLBACK.test(new URL(url).pathname);
}

export interface PacingOptions {
  perSecond?: number;
  clock?: () => number;
}

export function pacedRequests(
  makeRequest: MakeRequest,
  { perSecond = REST_REQUESTS_PER_SECOND, clock = () => performance.now() }: PacingOptions = {},
): MakeRequest {
  const gapMs = 1000 / perSecond;
  let nextAt = Number.NEGATIVE_INFINITY;
  const waiting: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;

  const pump = () => {
    timer = null;
    const now = clock();
    if (waiting.length === 0) return;
    if (now < nextAt) {
      timer = setTimeout(pump, nextAt - now);
      return;
    }
    nextAt = now + gapMs;
    waiting.shift()?.();
    if (waiting.length > 0) timer = setTimeout(pump, gapMs);
  };

  /** Resolves when the request may go; rejects if discord.js gives up on it first (timeout, abort). */
  const turn = (signal: AbortSignal | null | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        const i = waiting.indexOf(go);
        if (i >= 0) waiting.splice(i, 1);
        reject(signal?.reason);
      };
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiting.push(go);
      if (timer === null) pump();
    });

  return async (url, init) => {
    if (!isInteractionCallback(url)) await turn(init.signal);
    return makeRequest(url, init);
  };
}
