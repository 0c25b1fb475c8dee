import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      /** From vitest.config.ts: the D1 migrations the setup file applies. */
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
