import { resolve } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { describe, expect, inject, it } from 'vitest';
import { panelToken } from './panel.js';

/**
 * The rate limits of wrangler.jsonc as `wrangler dev` runs them (wrangler's own startWorker and
 * its local limiter): the reads of one user are refused past the configured limit.
 */
interface Limiter {
  name: string;
  simple: { limit: number; period: number };
}
const limiters = unstable_readConfig({ config: resolve(import.meta.dirname, '../../wrangler.jsonc') }).ratelimits as Limiter[];
const limitOf = (name: string) => limiters.find((r) => r.name === name)?.simple.limit;

// The node project's shared local Worker (test/node/global-setup.ts): the read limiter counts per
// user, and this suite's users (900000 and up) are its own.
const worker = { url: inject('workerUrl') };

const minute = () => Math.floor(Date.now() / 60_000);

describe('rate limits under wrangler dev', () => {
  it('configure both limiters in wrangler.jsonc with a period of 10 or 60 seconds', () => {
    for (const name of ['SYNC_RATE_LIMITER', 'READ_RATE_LIMITER']) {
      const limiter = limiters.find((r) => r.name === name);
      expect(limiter?.simple.limit, name).toBeGreaterThan(0);
      expect([10, 60]).toContain(limiter?.simple.period);
    }
  });

  it("refuse a user's reads past READ_RATE_LIMITER's limit with 429 rate_limited and Retry-After", async () => {
    const limit = limitOf('READ_RATE_LIMITER')!;
    // A burst that crosses a window boundary is counted in two windows: try again in the next one.
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (60 - (Date.now() / 1000) % 60 < 15) await new Promise((r) => setTimeout(r, (60 - (Date.now() / 1000) % 60) * 1000 + 200));
      const started = minute();
      const headers = { Authorization: `Bearer ${await panelToken(900_000 + Math.floor(Math.random() * 90_000))}` };
      const statuses: number[] = [];
      for (let i = 0; i <= limit; i++) statuses.push((await fetch(`${worker.url}/api/vps`, { headers })).status);
      const last = await fetch(`${worker.url}/api/vps`, { headers });
      if (minute() !== started) continue;
      expect(statuses.slice(0, limit).every((s) => s === 200), `the first ${limit} reads`).toBe(true);
      expect(statuses[limit]).toBe(429);
      expect(last.status).toBe(429);
      expect(Number(last.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      expect(await last.json()).toMatchObject({ status: 'error', code: 'rate_limited' });
      return;
    }
    throw new Error('every burst crossed a minute boundary');
  }, 180_000);
});
