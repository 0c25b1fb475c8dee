import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { quietInfoLines, TEST_BINDINGS, TEST_RATE_LIMITS } from './test/bindings.js';

/**
 * `npm run test:mysql`: the same Worker suites as `npm test` (HTTP API and store contract), but
 * with DATABASE_URL set, so the Worker runs on the PlanetScale store: the real driver, through
 * the local PlanetScale-compatible endpoint, to a real MariaDB/MySQL. Plus the PlanetScale
 * fault tests, the endpoint's own tests and the scripts' tests against a fresh socket-only MariaDB.
 * Needs MySQL/MariaDB on 127.0.0.1:3306 (see scripts/mysql.ts for the login).
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations('drizzle/sqlite');
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: './wrangler.jsonc' },
              miniflare: {
                bindings: {
                  ...TEST_BINDINGS,
                  TEST_MIGRATIONS: migrations, FUZZ_SEED: process.env.FUZZ_SEED ?? '',
                  DATABASE_URL: inject('psUrl'),
                  DATABASE_TIMEOUT_MS: '1000',
                  TEST_SUITE: 'planetscale',
                },
                ratelimits: TEST_RATE_LIMITS,
              },
            })),
          ],
          test: {
            name: 'worker-planetscale',
            include: ['test/worker/**/*.test.ts', 'test/mysql/**/*.worker.test.ts'],
            setupFiles: ['test/worker/setup.ts'],
            globalSetup: ['test/mysql/global-setup.ts', 'test/jwks/global-setup.ts'],
            onConsoleLog: quietInfoLines,
          },
        },
        {
          // In Node: the endpoint's own tests, and the scripts against a socket-only MariaDB of their own.
          test: {
            name: 'mysql-node',
            environment: 'node',
            include: ['test/mysql/**/*.test.ts'],
            exclude: ['test/mysql/**/*.worker.test.ts'],
          },
        },
      ],
    },
  };
});
