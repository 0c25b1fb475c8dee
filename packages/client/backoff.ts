/** When to try again: exponential backoff with full jitter, or what the server asked for. */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Ceiling of the first retry's delay; it doubles per retry. */
  baseDelayMs: number;
  /** No delay exceeds this, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Delay before retry number `retry` (1 for the first): uniform in [0, min(max, base × 2^(retry-1))).
 * Full jitter spreads the retries of many callers that failed together (AWS Architecture Blog,
 * "Exponential Backoff and Jitter"), so a recovering database is not hit by synchronised waves.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After (delta-seconds or an HTTP-date) in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only dates that name GMT, as HTTP-dates do: Date.parse would read "1.5" as a date too.
  if (!/GMT$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The delay before the next attempt: the server's Retry-After when it gave one, else jittered backoff. */
export function nextDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfter: number | undefined,
  random: () => number,
): number {
  return retryAfter === undefined ? backoffDelay(retry, policy, random) : Math.min(retryAfter, policy.maxDelayMs);
}

/** setTimeout as a promise that an abort cuts short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
