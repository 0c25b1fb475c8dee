import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { retryAfterSeconds } from '../../src/middleware/rate-limit.js';
import { TEST_BINDINGS, TEST_RATE_LIMIT } from '../bindings.js';
import { callWith, errorBody, freshUser, syncRequest, tokenFor, validVps } from './helpers.js';

/**
 * The Workers Rate Limiting bindings, counting for real in miniflare: the test-only low limiters
 * (TEST_RATE_LIMIT per minute, test/bindings.ts) stand in for the Worker's own.
 */
const LOW_SYNC = { SYNC_RATE_LIMITER: env.TEST_LOW_SYNC_RATE_LIMITER };
const LOW_READ = { READ_RATE_LIMITER: env.TEST_LOW_READ_RATE_LIMITER };
const PREVIOUS_KEY = 'previous-key-0123456789abcdef0123456789abcdef';

/**
 * The limiter counts per fixed window (a minute here, aligned to the clock): a burst that
 * straddles the boundary would be counted in two windows. Start the burst well inside one.
 */
async function awayFromMinuteBoundary() {
  if (retryAfterSeconds() < 5) await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds() * 1000 + 100));
}

const create = () => syncRequest({ action: 'create', vps: validVps(freshUser()) });

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('Retry-After'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`).toBe(true);
  expect(await errorBody(res)).toEqual({
    status: 'error',
    code: 'rate_limited',
    message: 'Too many requests; retry after Retry-After seconds',
    errors: [],
    request_id: res.headers.get('X-Request-Id'),
  });
}

describe('the sync rate limit, per API key', () => {
  it(`answers 429 rate_limited with Retry-After past ${TEST_RATE_LIMIT} requests a minute; the previous key counts apart`, async () => {
    await awayFromMinuteBoundary();
    const bindings = { ...LOW_SYNC, VPS_SYNC_API_KEY_PREVIOUS: PREVIOUS_KEY };
    for (let i = 1; i <= TEST_RATE_LIMIT; i++) expect((await callWith(bindings, '/api/vps/sync', create())).status, `request ${i}`).toBe(201);
    await expectRateLimited(await callWith(bindings, '/api/vps/sync', create()));
    // Refused before the body is read: even a malformed request is only counted.
    await expectRateLimited(await callWith(bindings, '/api/vps/sync', syncRequest('{not json')));

    const withPrevious = () => {
      const init = create();
      return { ...init, headers: { ...(init.headers as Record<string, string>), 'X-API-Key': PREVIOUS_KEY } };
    };
    expect((await callWith(bindings, '/api/vps/sync', withPrevious())).status).toBe(201);
  });
});

describe('the listing rate limit, per user', () => {
  it(`answers 429 past ${TEST_RATE_LIMIT} reads a minute, GET /api/vps and /api/vps/:id together, with CORS headers; other users are not limited`, async () => {
    await awayFromMinuteBoundary();
    const user = freshUser();
    const headers = { Authorization: `Bearer ${await tokenFor(user)}`, Origin: 'https://panel.example.test' };
    expect((await callWith(LOW_READ, '/api/vps', { headers })).status).toBe(200);
    expect((await callWith(LOW_READ, '/api/vps/999999999', { headers })).status).toBe(404);
    for (let i = 3; i <= TEST_RATE_LIMIT; i++) expect((await callWith(LOW_READ, '/api/vps', { headers })).status).toBe(200);

    const limited = await callWith(LOW_READ, '/api/vps', { headers });
    expect(limited.headers.get('Access-Control-Allow-Origin')).toBe('https://panel.example.test');
    await expectRateLimited(limited);
    await expectRateLimited(await callWith(LOW_READ, '/api/vps/1', { headers }));

    const other = freshUser();
    expect((await callWith(LOW_READ, '/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(other)}` } })).status).toBe(200);
    // Without the binding nothing is limited, the limited user included.
    expect((await callWith({ READ_RATE_LIMITER: undefined }, '/api/vps', { headers })).status).toBe(200);
  });

  it("does not count requests whose token is refused against the user they name", async () => {
    await awayFromMinuteBoundary();
    const user = freshUser();
    const forged = { Authorization: `Bearer ${await tokenFor(user, { secret: 'another-secret-0123456789abcdef0123456789' })}` };
    for (let i = 0; i < TEST_RATE_LIMIT + 2; i++) expect((await callWith(LOW_READ, '/api/vps', { headers: forged })).status).toBe(401);
    const valid = { Authorization: `Bearer ${await tokenFor(user)}` };
    for (let i = 1; i <= TEST_RATE_LIMIT; i++) expect((await callWith(LOW_READ, '/api/vps', { headers: valid })).status, `read ${i}`).toBe(200);
  });
});

describe('a rate limiter', () => {
  it('that fails lets the request through and logs a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const failing = { limit: () => Promise.reject(new Error('limiter unreachable')) };
      const res = await callWith({ SYNC_RATE_LIMITER: failing }, '/api/vps/sync', create());
      expect(res.status).toBe(201);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"msg":"rate limiter failed; request let through"'));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('limiter unreachable'));
    } finally {
      warn.mockRestore();
    }
  });

  it('bound to something else than a limiter fails closed as misconfigured', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await callWith({ READ_RATE_LIMITER: 'SYNC' }, '/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } });
      expect(res.status).toBe(500);
      expect((await errorBody(res)).code).toBe('misconfigured');
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('READ_RATE_LIMITER is not a rate limiting binding'));
    } finally {
      errors.mockRestore();
    }
  });

  it('is the Worker\'s own for the suites, high enough that no suite meets it', () => {
    expect(typeof env.SYNC_RATE_LIMITER.limit).toBe('function');
    expect(typeof env.READ_RATE_LIMITER.limit).toBe('function');
    expect(TEST_BINDINGS.ENVIRONMENT).toBe('test');
  });
});

describe('Retry-After', () => {
  it('is the seconds to the next full minute, 1 to 60', () => {
    expect(retryAfterSeconds(Date.UTC(2026, 0, 1, 12, 0, 0))).toBe(60);
    expect(retryAfterSeconds(Date.UTC(2026, 0, 1, 12, 0, 59, 999))).toBe(1);
    expect(retryAfterSeconds(Date.UTC(2026, 0, 1, 12, 0, 15, 500))).toBe(45);
  });
});
