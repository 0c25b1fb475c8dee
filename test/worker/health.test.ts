import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { D1_TRANSIENT_FAILURES } from '../../src/store/d1/errors.js';
import { call, callWith, errorBody, freshUser, syncRequest, tokenFor, validVps } from './helpers.js';

describe('GET /health', () => {
  it('answers 200 without credentials', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', message: 'ok' });
  });
});

describe('every response', () => {
  it('carries a generated X-Request-Id, also on errors', async () => {
    const ok = await call('/health');
    const missing = await call('/nope');
    expect(ok.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('X-Request-Id')).not.toBe(missing.headers.get('X-Request-Id'));
  });

  it('carries nosniff and no-referrer everywhere: success, error, /health, /openapi.json, preflight', async () => {
    const token = await tokenFor(freshUser());
    const answers = [
      await call('/health'),
      await call('/openapi.json'),
      await call('/nope'),
      await call('/api/vps', { headers: { Authorization: `Bearer ${token}` } }),
      await call('/api/vps'),
      await call('/api/vps/sync', { method: 'GET' }),
      await call('/api/vps', { method: 'OPTIONS', headers: { Origin: 'https://panel.example.test', 'Access-Control-Request-Method': 'GET' } }),
    ];
    for (const res of answers) {
      expect(res.headers.get('X-Content-Type-Options'), res.url).toBe('nosniff');
      expect(res.headers.get('Referrer-Policy'), res.url).toBe('no-referrer');
    }
    // User data and events are never cached; the public document may be.
    expect(answers[3]!.headers.get('Cache-Control')).toBe('no-store');
    expect(answers[4]!.headers.get('Cache-Control')).toBe('no-store');
    expect(answers[1]!.headers.get('Cache-Control')).toBe('public, max-age=300');
  });

  it('keeps a sane X-Request-Id sent by the caller, for tracing across both sides', async () => {
    const res = await call('/health', { headers: { 'X-Request-Id': 'main-site-req-42' } });
    expect(res.headers.get('X-Request-Id')).toBe('main-site-req-42');
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 in the error envelope', async () => {
    const res = await call('/api/nothing-here');
    expect(res.status).toBe(404);
    const body = await errorBody(res);
    expect(body).toEqual({
      status: 'error',
      code: 'not_found',
      message: 'No route for GET /api/nothing-here',
      errors: [],
      request_id: res.headers.get('X-Request-Id'),
    });
  });

  it('answers 405 with Allow for a wrong method on a known path', async () => {
    const sync = await call('/api/vps/sync', { method: 'GET' });
    expect(sync.status).toBe(405);
    expect(sync.headers.get('Allow')).toBe('POST');
    expect((await errorBody(sync)).message).toBe('Method not allowed; use POST');

    const list = await call('/api/vps', { method: 'DELETE' });
    expect(list.status).toBe(405);
    expect(list.headers.get('Allow')).toBe('GET');
  });

  it.each([
    ['/health', ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']],
    ['/health/ready', ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']],
    // OPTIONS is its CORS preflight (below).
    ['/openapi.json', ['POST', 'PUT', 'PATCH', 'DELETE']],
  ])('answers 405 with Allow: GET for another method on %s', async (path, methods) => {
    for (const method of methods) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('Allow'), `${method} ${path}`).toBe('GET');
      expect(await errorBody(res)).toEqual({
        status: 'error',
        code: 'method_not_allowed',
        message: 'Method not allowed; use GET',
        errors: [],
        request_id: res.headers.get('X-Request-Id'),
      });
    }
  });

  it('answers HEAD on the public GET routes as GET, without a body, as on /api', async () => {
    for (const path of ['/health', '/health/ready', '/openapi.json']) {
      const res = await call(path, { method: 'HEAD' });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe('');
    }
  });

  it('keeps /openapi.json readable cross-origin: its preflight, and its 405 too', async () => {
    const origin = 'https://editor.example.test';
    const preflight = await call('/openapi.json', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toBe('GET');

    const wrong = await call('/openapi.json', { method: 'POST', headers: { Origin: origin } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('an unexpected failure', () => {
  it('answers 500 with the request id and no internals, and logs the cause', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = {
      prepare() {
        throw new Error('D1_ERROR: no such table: vps: SQLITE_ERROR select "id", "user_id" from "vps" secret-hint');
      },
    } as unknown as D1Database;
    try {
      // The embedded store with a broken binding (DATABASE_URL cleared so D1 is used on every suite).
      const res = await callWith({ DB: broken, DATABASE_URL: undefined }, '/api/vps', {
        headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` },
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        status: 'error',
        code: 'internal',
        message: 'Internal server error',
        errors: [],
        request_id: res.headers.get('X-Request-Id'),
      });
      expect(text).not.toMatch(/D1_ERROR|SQLITE|select "|no such table|secret-hint/i);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining(res.headers.get('X-Request-Id')!));
    } finally {
      errors.mockRestore();
    }
  });
});

describe('the 500 log line', () => {
  it('carries the driver error and its cause chain, while the answer shows none of it', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // The real D1 binding, every statement naming a table no migration made: D1 throws
    // "D1_ERROR: no such table: …" with the SQLite error as its cause.
    const unmigrated = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare') return (sql: string) => target.prepare(sql.replaceAll(/\bvps\b/g, 'vps_not_migrated'));
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    try {
      // A create: a write, past the body and auth checks, that reaches the database.
      const res = await callWith({ DB: unmigrated, DATABASE_URL: '' }, '/api/vps/sync', syncRequest({ action: 'create', vps: validVps(freshUser()) }));
      expect(res.status).toBe(500);
      expect(await res.text()).not.toMatch(/no such table|SQLITE|INSERT|vps_not_migrated/i);
      const line = errors.mock.calls.map(([text]) => String(text)).find((text) => text.includes(res.headers.get('X-Request-Id')!));
      const logged = JSON.parse(line!) as { level: string; msg: string; request_id: string; error: { name: string; message: string }[] };
      expect(logged).toMatchObject({ level: 'error', msg: 'unhandled error', request_id: res.headers.get('X-Request-Id') });
      // D1's error and its cause, as the binding threw them (no query builder wraps them).
      expect(logged.error.map((e) => e.message)).toEqual(['D1_ERROR: no such table: vps_not_migrated: SQLITE_ERROR', 'no such table: vps_not_migrated: SQLITE_ERROR']);
    } finally {
      errors.mockRestore();
    }
  });
});

describe('a transient D1 failure', () => {
  // One message per row of D1_TRANSIENT_FAILURES, worded as D1 words them.
  const messages = {
    connection_lost: 'D1_ERROR: Network connection lost.',
    storage_reset: 'D1_ERROR: D1 DB storage caused object to be reset.',
    code_updated: 'D1_ERROR: D1 DB is being reset because its code was updated.',
    overloaded: 'D1_ERROR: D1 DB is overloaded. Too many requests queued.',
    queued_too_long: 'D1_ERROR: Requests queued for too long.',
    timeout: 'D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.',
  } satisfies Record<(typeof D1_TRANSIENT_FAILURES)[number]['row'], string>;

  it('has a test message for every row of the table, each matching its own row', () => {
    for (const { row, pattern } of D1_TRANSIENT_FAILURES) expect(messages[row], row).toMatch(pattern);
  });

  it.each(Object.values(messages))(
    'answers 503 with Retry-After for "%s"',
    async (message) => {
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      const flaky = {
        prepare() {
          throw new Error(message);
        },
      } as unknown as D1Database;
      try {
        const res = await callWith({ DB: flaky, DATABASE_URL: undefined }, '/api/vps', {
          headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` },
        });
        expect(res.status).toBe(503);
        expect(res.headers.get('Retry-After')).toBe('5');
        expect((await errorBody(res)).message).toBe('Database temporarily unavailable, retry later');
      } finally {
        errors.mockRestore();
      }
    },
  );
});
