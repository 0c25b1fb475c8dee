import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { READY_TIMEOUT_MS } from '../../src/routes/ready.js';
import { TEST_BINDINGS } from '../bindings.js';
import { call, callWith, errorBody } from './helpers.js';

/** The D1 binding with every statement rewritten to name a table that does not exist. */
const withoutTables = new Proxy(env.DB, {
  get(target, prop) {
    if (prop === 'prepare') return (sql: string) => target.prepare(sql.replaceAll(/\bvps\b/g, 'vps_never_migrated'));
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

/** A D1 binding whose statements never answer. */
const hanging = new Proxy(env.DB, {
  get(target, prop) {
    if (prop === 'prepare') {
      const never = () => new Promise(() => {});
      const statement = { bind: () => statement, all: never, raw: never, run: never, first: never };
      return () => statement;
    }
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

async function notReady(bindings: Record<string, unknown>) {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const res = await callWith(bindings, '/health/ready');
    const text = await res.clone().text();
    expect(res.status, text).toBe(503);
    for (const secret of [TEST_BINDINGS.VPS_SYNC_API_KEY, TEST_BINDINGS.JWT_SECRET, '127.0.0.1', 'user:pw']) expect(text).not.toContain(secret);
    return errorBody(res);
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
}

describe('GET /health/ready', () => {
  it('answers 200 with every check when the settings are valid and the database answers', async () => {
    const res = await call('/health/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'success',
      message: 'ready',
      environment: 'test',
      checks: { sync: 'ok', signing: 'ok', rate_limits: 'ok', bearer: 'ok', database: 'ok', cors: 'ok' },
    });
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it.each([
    ['sync', { VPS_SYNC_API_KEY: undefined }, 'VPS_SYNC_API_KEY is not set'],
    ['signing', { VPS_SYNC_REQUIRE_SIGNATURE: 'true' }, 'VPS_SYNC_REQUIRE_SIGNATURE is true but VPS_SYNC_SIGNING_SECRET is not set'],
    ['rate_limits', { SYNC_RATE_LIMITER: 'not a binding' }, 'SYNC_RATE_LIMITER is not a rate limiting binding (ratelimits in wrangler.jsonc)'],
    ['bearer', { JWT_SECRET: 'short' }, 'JWT_SECRET is shorter than 32 characters'],
    ['cors', { CORS_ORIGINS: 'not an origin' }, 'CORS_ORIGINS must list origins like https://panel.example.com'],
    ['database', { DATABASE_TIMEOUT_MS: 'abc' }, 'DATABASE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000'],
    // A URL to the driver, but one it cannot connect with (no host; no credentials).
    ['database', { DATABASE_URL: 'foo:bar' }, 'DATABASE_URL must be a URL with a user, a password and a host: mysql://user:password@host/database'],
    ['database', { DATABASE_URL: 'mysql://db.example.com/vps' }, 'DATABASE_URL must be a URL with a user, a password and a host: mysql://user:password@host/database'],
    // DATABASE_URL cleared: the D1 cases hold on the PlanetScale suite too.
    ['database', { DB: withoutTables, DATABASE_URL: '' }, 'the vps table is missing: apply the migrations'],
    ['database', { DATABASE_URL: 'http://user:pw@127.0.0.1:1/db' }, 'unreachable or failing transiently'],
  ])('answers 503 not_ready naming %s', async (field, bindings, message) => {
    const body = await notReady(bindings);
    expect(body).toMatchObject({ status: 'error', code: 'not_ready', message: `Not ready: ${field}`, errors: [{ field, message }] });
  });

  it(`answers 503 when the database does not answer within ${READY_TIMEOUT_MS} ms`, async () => {
    const started = Date.now();
    const body = await notReady({ DB: hanging, DATABASE_URL: '' });
    expect(body.errors).toEqual([{ field: 'database', message: `did not answer within ${READY_TIMEOUT_MS} ms` }]);
    expect(Date.now() - started).toBeLessThan(READY_TIMEOUT_MS + 2000);
  });

  it('refuses the secrets this repository ships outside local development, naming the binding to set', async () => {
    const body = await notReady({ ENVIRONMENT: 'production' });
    expect(body.message).toBe('Not ready: sync, bearer');
    expect(body.errors).toEqual([
      {
        field: 'sync',
        message: 'VPS_SYNC_API_KEY is a value shipped in this repository (an example or development secret); set your own with: wrangler secret put VPS_SYNC_API_KEY --env production',
      },
      {
        field: 'bearer',
        message: 'JWT_SECRET is a value shipped in this repository (an example or development secret); set your own with: wrangler secret put JWT_SECRET --env production',
      },
    ]);
  });
});

describe('shipped secrets outside local development', () => {
  it('fail closed on sync and listing, whatever environment name is missing or unknown', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const ENVIRONMENT of ['production', 'staging', undefined, 'prod']) {
        const res = await callWith({ ENVIRONMENT }, '/api/vps/sync', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
          body: '{}',
        });
        expect(res.status, String(ENVIRONMENT)).toBe(500);
        expect((await errorBody(res)).code).toBe('misconfigured');
      }
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('VPS_SYNC_API_KEY is a value shipped in this repository'));
    } finally {
      errors.mockRestore();
    }
  });
});
