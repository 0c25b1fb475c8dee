import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      /** From vitest.config.ts: the D1 migrations the setup file applies. */
      TEST_MIGRATIONS: D1Migration[];
      /** 'planetscale' in vitest.mysql.config.ts, where DATABASE_URL points at the local endpoint. */
      TEST_SUITE?: string;
      /** Replays a fuzz run (test/worker/fuzz.test.ts) with this seed. */
      FUZZ_SEED?: string;
      /** Low test-only rate limiters (TEST_RATE_LIMITS in test/bindings.ts). */
      TEST_LOW_SYNC_RATE_LIMITER: RateLimit;
      TEST_LOW_READ_RATE_LIMITER: RateLimit;
    }
  }
}
