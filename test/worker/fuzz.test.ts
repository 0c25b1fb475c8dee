/**
 * Property-based fuzzing of both endpoints (fast-check): random and mutated bodies, Content-Type
 * variants, Idempotency-Key, Authorization and query strings. Whatever comes in, no answer is a
 * 5xx, and every 4xx is the one error envelope with a documented code that matches its status.
 * Seeded and bounded; a failure prints its seed and path. Replay one with
 * `FUZZ_SEED=<seed> npx vitest run test/worker/fuzz.test.ts`.
 */
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, statusOf, type ErrorCode } from '../../src/contract/index.js';
import { TEST_BINDINGS } from '../bindings.js';
import { call, freshUser, tokenFor, validVps } from './helpers.js';

const SEED = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : 20261130;
const settings = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Every answer: no 5xx; a 4xx is the documented envelope with a code of its status. */
async function expectWellFormed(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status < 400) return;
  const body = JSON.parse(text) as { status: string; code: ErrorCode; message: string; request_id: string };
  expect(body.status).toBe('error');
  expect(ERROR_CODE_LIST).toContain(body.code);
  expect(statusOf(body.code), text).toBe(res.status);
  expect(body.message).toMatch(/\S/);
  expect(body.request_id).toBe(res.headers.get('X-Request-Id'));
}

const asciiText = (maxLength: number) =>
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength }).map((codes) => String.fromCharCode(...codes));

/** Any JSON value, strings full of odd Unicode included. */
const anyJson = fc.jsonValue({ maxDepth: 4 });

/** A valid sync command of each action, then with fields dropped, replaced or added at random. */
const validCommand = fc.constantFrom<Record<string, unknown>>(
  { action: 'create', vps: validVps(1, { external_id: 'fuzz-1', version: 3 }) },
  { action: 'update', vps: { external_id: 'fuzz-1', status: 'running', version: 4 } },
  { action: 'delete', vps: { external_id: 'fuzz-1', version: 5 } },
  { action: 'reconcile', user_id: 1, version: 6, vps: [{ ...validVps(1, { external_id: 'fuzz-2' }), user_id: undefined }] },
);
const mutated = fc
  .tuple(validCommand, fc.array(fc.tuple(fc.constantFrom('drop', 'replace', 'add'), fc.string({ maxLength: 12 }), anyJson), { maxLength: 4 }))
  .map(([command, edits]) => {
    const copy = structuredClone(command) as Record<string, Record<string, unknown>>;
    for (const [op, key, value] of edits) {
      const target = (typeof copy.vps === 'object' && copy.vps && !Array.isArray(copy.vps) && key.length % 2 ? copy.vps : copy) as Record<string, unknown>;
      const existing = Object.keys(target);
      const field = op === 'add' ? key : existing[key.length % Math.max(existing.length, 1)] ?? key;
      if (op === 'drop') delete target[field];
      else target[field] = value;
    }
    return JSON.stringify(copy);
  });

/** Deep nesting, the shape that once overflowed the stack before validation. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `{"action":"create","vps":${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}}`);

const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  mutated,
  anyJson.map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  deep,
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  undefined,
);

const idempotencyKey = fc.option(fc.oneof(fc.uuid(), asciiText(300)), { nil: undefined });

describe('fuzzing POST /api/vps/sync', () => {
  it('answers every body, Content-Type and Idempotency-Key with a 2xx or a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, idempotencyKey, async (payload, type, key) => {
        const headers: Record<string, string> = { 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY };
        if (type !== undefined) headers['Content-Type'] = type;
        if (key !== undefined) headers['Idempotency-Key'] = key;
        await expectWellFormed(await call('/api/vps/sync', { method: 'POST', headers, body: payload }));
      }),
      settings(200),
    );
  }, 60_000);

  it('answers every X-API-Key value with a documented 401 or a 2xx/4xx', async () => {
    await fc.assert(
      fc.asyncProperty(asciiText(80), async (key) => {
        const res = await call('/api/vps/sync', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
          body: JSON.stringify({ action: 'create', vps: validVps(freshUser()) }),
        });
        await expectWellFormed(res);
        if (key !== TEST_BINDINGS.VPS_SYNC_API_KEY) expect(res.status).toBe(401);
      }),
      settings(100),
    );
  }, 60_000);
});

describe('fuzzing GET /api/vps', () => {
  it('answers every Authorization value with a documented 401 or a listing', async () => {
    const valid = await tokenFor(freshUser());
    const authorization = fc.oneof(
      asciiText(200),
      fc.constant(`Bearer ${valid}`),
      fc.tuple(fc.nat({ max: valid.length - 1 }), asciiText(3)).map(([i, s]) => `Bearer ${valid.slice(0, i)}${s}${valid.slice(i + 1)}`),
      asciiText(300).map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        await expectWellFormed(await call('/api/vps', { headers: { Authorization: value } }));
      }),
      settings(80),
    );
  }, 60_000);

  it('answers every query string with a documented 400 or a page', async () => {
    const token = await tokenFor(freshUser());
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor'), fc.string({ maxLength: 8 })), fc.string({ maxLength: 40 })), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const search = new URLSearchParams(pairs).toString();
        await expectWellFormed(await call(`/api/vps?${search}`, { headers: { Authorization: `Bearer ${token}` } }));
      }),
      settings(60),
    );
  }, 60_000);

  it('still answers /health afterwards', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', message: 'ok' });
  });
});
