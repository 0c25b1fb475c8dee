import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { quietInfoLines, TEST_BINDINGS, TEST_RATE_LIMITS } from './test/bindings.js';

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
              wrangler: { configPath: './wrangler.jsonc' },
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
            // The local JWKS endpoint of test/worker/jwks.test.ts.
            globalSetup: ['test/jwks/global-setup.ts'],
            // Files share a workerd (and its D1 database) instead of one per file (about 2.5 s each), as
            // they share MySQL under test:mysql: each test owns its users (freshUser).
            isolate: false,
            // Up to three workerds, next to the node files: most of a run waits on other processes
            // (workerd, wrangler, tsc, npm, python), so the two cores stay busy instead of taking turns.
            maxWorkers: 3,
            onConsoleLog: quietInfoLines,
          },
        },
        {
          test: {
            name: 'node',
            environment: 'node',
            include: ['test/node/**/*.test.ts'],
            // They drive other processes (workerd, tsc, npm, python, curl): give a busy machine time.
            testTimeout: 30_000,
            maxWorkers: 3,
            // No file stubs a global or mocks a module, so three processes run them all instead of a
            // fresh one per file (about 0.4 s of CPU each).
            isolate: false,
            // Builds packages/*/dist (packed by the pack tests) and starts the one local Worker most suites share.
            globalSetup: ['test/node/global-setup.ts'],
          },
        },
        {
          test: {
            name: 'browser',
            environment: 'node',
            include: ['test/browser/**/*.test.ts'],
            // Skips these tests, saying so, when Chromium is missing; REQUIRE_BROWSER=1 fails instead.
            globalSetup: ['test/browser/global-setup.ts'],
            // After the other projects, so Chromium, Vite and another Worker do not compete with their timed tests.
            sequence: { groupOrder: 1 },
            maxWorkers: 1,
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
