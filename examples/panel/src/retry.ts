/**
 * When the page asks again after a "temporarily unavailable" answer: exponential backoff from
 * one second, never sooner than the server's Retry-After, with a little jitter so many open
 * panels do not come back in the same instant.
 */

/** Automatic attempts before the page stops and offers a "Try again" button. */
export const MAX_AUTOMATIC_RETRIES = 6;

const BASE_MS = 1_000;
const CAP_MS = 30_000;

/** Milliseconds to wait before retry number `attempt` (0 for the first retry). `random` in [0, 1). */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, random: () => number = Math.random): number {
  const backoff = Math.min(CAP_MS, BASE_MS * 2 ** attempt);
  const floor = Math.min(CAP_MS * 4, (retryAfterSeconds ?? 0) * 1000);
  return Math.round(Math.max(backoff, floor) + backoff * 0.2 * random());
}
