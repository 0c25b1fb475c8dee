import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BINDING_NAMES, configOf } from '../../src/config.js';
import { TEST_BINDINGS } from '../bindings.js';

describe('the test Worker bindings', () => {
  it('are exactly the suite own values for every binding the Worker reads, whatever .dev.vars holds', () => {
    const seen = Object.fromEntries(BINDING_NAMES.map((name) => [name, (env as unknown as Record<string, unknown>)[name]]));
    const expected: Record<string, string> = { ...TEST_BINDINGS };
    // test:mysql points the same suites at the local PlanetScale endpoint, and only there.
    if (env.TEST_SUITE === 'planetscale') {
      expected.DATABASE_URL = seen.DATABASE_URL as string;
      expected.DATABASE_TIMEOUT_MS = seen.DATABASE_TIMEOUT_MS as string;
    }
    expect(seen).toEqual(expected);
  });

  it('configure a store and every section without a problem', () => {
    const config = configOf(env);
    expect(config.sync.ok && config.bearer.ok && config.database.ok && config.corsOrigins.ok).toBe(true);
  });
});
