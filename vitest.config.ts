import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { quietInfoLines, TEST_BINDINGS, TEST_RATE_LIMITS } from './test/bindings.ts';

/**
 * `npm test`: the Worker's suites inside workerd (miniflare) on the embedded D1 database,
 * plus Node-side checks of the tooling. Needs no database server and no network.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations('drizzle/sqlite');
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: migrations, FUZZ_SEED: process.env.FUZZ_SEED ?? '' },
                ratelimits: TEST_RATE_LIMITS,
              },
            }),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts'],
            setupFiles: ['test/worker/setup.ts'],
            onConsoleLog: quietInfoLines,
          },
        },
        {
          test: {
            name: 'node',
            environment: 'node',
            include: ['test/node/**/*.test.ts'],
            // Builds client/dist, which the package and example tests load as vps-sync/client.
            globalSetup: ['test/node/global-setup.ts'],
          },
        },
      ],
    },
  };
});
