import { describe, expect, it } from 'vitest';
import { backoffDelay, nextDelay, retryAfterMs } from '../../../packages/client/backoff.js';

const policy = { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 10_000 };
const justUnderOne = () => 0.999_999;

describe('backoffDelay (full jitter)', () => {
  it('doubles its ceiling with each retry, up to maxDelayMs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelay(retry, policy, justUnderOne));
    expect(delays).toEqual([199, 399, 799, 1599, 3199, 6399, 9999, 9999]);
  });

  it('draws uniformly between 0 and the ceiling', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.25)).toBe(200);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
  });

  it('stays within [0, ceiling) for any draw', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const delay = backoffDelay(4, policy, Math.random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(1600);
      seen.add(Math.floor(delay / 400));
    }
    // Spread over the whole range, not stuck at one end: every quarter was hit.
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2025, 9, 27, 10, 0, 0);

  it('reads delta-seconds', () => {
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until it', () => {
    expect(retryAfterMs(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(retryAfterMs('Mon, 27 Oct 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(new Date(now - 60_000).toUTCString(), now)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const header of [null, '', 'soon', '1.5', '-3', 'Mon, 99 Foo 2025 GMT']) expect(retryAfterMs(header, now)).toBeUndefined();
  });
});

describe('nextDelay', () => {
  it("prefers the server's Retry-After, capped by maxDelayMs, over the jittered backoff", () => {
    expect(nextDelay(1, policy, 3000, justUnderOne)).toBe(3000);
    expect(nextDelay(1, policy, 120_000, justUnderOne)).toBe(10_000);
    expect(nextDelay(2, policy, undefined, () => 0.5)).toBe(200);
  });
});
