import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../src/middleware/rate-limit.js';
import { TEST_BINDINGS, TEST_RATE_LIMIT, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../bindings.js';
import { signatureHeaders } from '../signing.js';
import { call, callWith, createVps, errorBody, freshUser, listAs, sync, tokenFor, type CreatedVps } from './helpers.js';

/** GET /api/vps/sync/vps/{id}, /api/vps/sync/vps?external_id= and /api/vps/sync/users/{user_id}/vps. */
const KEY = { 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY };
const API_KEY_CHALLENGE = 'ApiKey realm="vps-sync", header="X-API-Key"';
const SIGNATURE_CHALLENGE = 'WebhookSignature realm="vps-sync", headers="webhook-id webhook-timestamp webhook-signature"';
const PREVIOUS_KEY = 'previous-key-0123456789abcdef0123456789abcdef';

const read = (path: string, headers: Record<string, string> = KEY) => call(path, { headers });
const readWith = (bindings: Record<string, unknown>, path: string, headers: Record<string, string> = KEY) => callWith(bindings, path, { headers });

interface ReadVps extends CreatedVps {
  deleted: boolean;
  deleted_at: string | null;
}
interface Page {
  status: 'success';
  vps: ReadVps[];
  next_cursor: string | null;
}

const live = (vps: CreatedVps): ReadVps => ({ ...vps, deleted: false, deleted_at: null });

async function expectError(res: Response, status: number, code: string, errors: { field: string; message: string }[], message?: string) {
  expect(res.status).toBe(status);
  const body = await errorBody(res);
  expect(body).toEqual({ status: 'error', code, message: message ?? body.message, errors, request_id: res.headers.get('X-Request-Id') });
}

/** Every page of a user's VPS, following next_cursor; fails on a page that repeats an id. */
async function allPages(userId: number, query: string): Promise<{ items: ReadVps[]; pages: number }> {
  const items: ReadVps[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await read(`/api/vps/sync/users/${userId}/vps?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = await res.json<Page>();
    items.push(...page.vps);
    cursor = page.next_cursor;
    pages++;
  } while (cursor !== null && pages < 50);
  expect(new Set(items.map((v) => v.id)).size).toBe(items.length);
  return { items, pages };
}

const paths = (vps: CreatedVps) => [
  `/api/vps/sync/vps/${vps.id}`,
  `/api/vps/sync/vps?external_id=${encodeURIComponent(vps.external_id!)}`,
  `/api/vps/sync/users/${vps.user_id}/vps`,
];

let lastExternal = 0;
const freshExternalId = () => `read-${Date.now()}-${++lastExternal}`;

describe('main-site reads: authentication', () => {
  it('answers the configured key on every read, and refuses none, a wrong one, or a user token with the API-key challenge', async () => {
    const vps = await createVps(freshUser(), { external_id: freshExternalId() });
    for (const path of paths(vps)) {
      expect((await read(path)).status, path).toBe(200);
      for (const [headers, message] of [
        [{}, 'Missing X-API-Key header'],
        [{ 'X-API-Key': 'x'.repeat(48) }, 'Invalid API key'],
        [{ Authorization: `Bearer ${await tokenFor(vps.user_id)}` }, 'Missing X-API-Key header'],
      ] as const) {
        const res = await read(path, headers);
        expect(res.headers.get('WWW-Authenticate'), path).toBe(API_KEY_CHALLENGE);
        await expectError(res, 401, 'unauthorized', [], message);
      }
    }
  });

  it("never serves the panel's reads to the API key", async () => {
    const vps = await createVps(freshUser());
    for (const path of ['/api/vps', `/api/vps/${vps.id}`]) {
      const res = await read(path);
      expect(res.headers.get('WWW-Authenticate'), path).toBe('Bearer realm="vps-sync"');
      await expectError(res, 401, 'unauthorized', [], 'Missing bearer token');
    }
  });

  it('accepts the previous key while a rotation runs, and not after', async () => {
    const vps = await createVps(freshUser(), { external_id: freshExternalId() });
    const rotating = { VPS_SYNC_API_KEY_PREVIOUS: PREVIOUS_KEY };
    for (const path of paths(vps)) {
      expect((await readWith(rotating, path, { 'X-API-Key': PREVIOUS_KEY })).status, path).toBe(200);
      expect((await readWith({}, path, { 'X-API-Key': PREVIOUS_KEY })).status, path).toBe(401);
    }
  });
});

describe('main-site reads: signatures', () => {
  const SIGNING = { VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET };
  const REQUIRED = { ...SIGNING, VPS_SYNC_REQUIRE_SIGNATURE: 'true' };

  it('with signatures required: refuses an unsigned read, accepts one signed over the empty body, once', async () => {
    const vps = await createVps(freshUser(), { external_id: freshExternalId() });
    for (const path of paths(vps)) {
      const unsigned = await readWith(REQUIRED, path);
      expect(unsigned.headers.get('WWW-Authenticate')).toBe(SIGNATURE_CHALLENGE);
      expect((await errorBody(unsigned)).code).toBe('signature_missing');

      const headers = { ...KEY, ...(await signatureHeaders('')) };
      expect((await readWith(REQUIRED, path, headers)).status, path).toBe(200);
      const replayed = await readWith(REQUIRED, path, headers);
      await expectError(replayed, 401, 'signature_replayed', [{ field: 'webhook-id', message: 'was already used' }]);
    }
  });

  it('refuses a signature with another secret, or over a body the GET does not have', async () => {
    const vps = await createVps(freshUser());
    const path = `/api/vps/sync/vps/${vps.id}`;
    for (const headers of [await signatureHeaders('', { secrets: [TEST_WRONG_SIGNING_SECRET] }), await signatureHeaders('{}')]) {
      await expectError(await readWith(SIGNING, path, { ...KEY, ...headers }), 401, 'signature_invalid', [
        { field: 'webhook-signature', message: 'does not match the body' },
      ]);
    }
  });

  it('with a signing secret that is not required: an unsigned read passes, and a signature is still checked', async () => {
    const vps = await createVps(freshUser());
    expect((await readWith(SIGNING, `/api/vps/sync/vps/${vps.id}`)).status).toBe(200);
    expect((await readWith(SIGNING, `/api/vps/sync/vps/${vps.id}`, { ...KEY, ...(await signatureHeaders('')) })).status).toBe(200);
  });

  it('never needs the API key less: a valid signature without the key is 401 unauthorized', async () => {
    const vps = await createVps(freshUser());
    const res = await readWith(REQUIRED, `/api/vps/sync/vps/${vps.id}`, await signatureHeaders(''));
    await expectError(res, 401, 'unauthorized', [], 'Missing X-API-Key header');
  });
});

describe('main-site reads: rate limit', () => {
  it(`counts reads per API key on the sync limiter (${TEST_RATE_LIMIT} a minute here), apart from writes`, async () => {
    if (retryAfterSeconds() < 5) await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds() * 1000 + 100));
    const low = { SYNC_RATE_LIMITER: env.TEST_LOW_SYNC_RATE_LIMITER, VPS_SYNC_API_KEY_PREVIOUS: PREVIOUS_KEY };
    const path = `/api/vps/sync/users/${freshUser()}/vps`;
    const asPrevious = { 'X-API-Key': PREVIOUS_KEY };
    for (let i = 1; i <= TEST_RATE_LIMIT; i++) expect((await readWith(low, path, asPrevious)).status, `read ${i}`).toBe(200);
    const limited = await readWith(low, path, asPrevious);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    await expectError(limited, 429, 'rate_limited', [], 'Too many requests; retry after Retry-After seconds');
  });
});

describe('GET /api/vps/sync/vps/{id} and ?external_id=', () => {
  it('answers a live VPS, whoever owns it, by either reference', async () => {
    const vps = await createVps(freshUser(), { external_id: freshExternalId() });
    for (const path of paths(vps).slice(0, 2)) {
      const res = await read(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('Cache-Control')).toBe('no-store');
      expect(await res.json()).toEqual({ status: 'success', vps: live(vps) });
    }
  });

  it('answers a deleted VPS with deleted: true and when, as it was when deleted', async () => {
    const external_id = freshExternalId();
    const vps = await createVps(freshUser(), { external_id, version: 3 });
    expect((await sync({ action: 'delete', vps: { external_id, version: 4 } })).status).toBe(200);
    for (const path of paths(vps).slice(0, 2)) {
      const { vps: tombstone } = await (await read(path)).json<{ vps: ReadVps }>();
      expect(tombstone).toEqual({ ...vps, version: 4, updated_at: tombstone.deleted_at, deleted: true, deleted_at: expect.any(String) });
      expect(Date.parse(tombstone.deleted_at!)).toBeGreaterThanOrEqual(Date.parse(vps.updated_at));
    }
  });

  it('answers a VPS deleted by a reconcile as deleted', async () => {
    const user = freshUser();
    const kept = await createVps(user, { external_id: freshExternalId() });
    const dropped = await createVps(user, { external_id: freshExternalId() });
    const item = { external_id: kept.external_id, name: kept.name, status: kept.status, cpu: kept.cpu, ram: kept.ram, disk: kept.disk, os: kept.os, hypervisor: kept.hypervisor };
    const res = await sync({ action: 'reconcile', user_id: user, vps: [item] });
    expect(await res.json()).toMatchObject({ counts: { deleted: 1, unchanged: 1 } });

    expect(await (await read(`/api/vps/sync/vps/${dropped.id}`)).json()).toMatchObject({ vps: { id: dropped.id, deleted: true } });
    expect(await (await read(`/api/vps/sync/vps/${kept.id}`)).json()).toEqual({ status: 'success', vps: live(kept) });
  });

  it('finds an external_id of any visible ASCII, percent-encoded', async () => {
    const external_id = `${freshExternalId()}+/?#&=%~"`;
    const vps = await createVps(freshUser(), { external_id });
    const res = await read(`/api/vps/sync/vps?external_id=${encodeURIComponent(external_id)}`);
    expect(await res.json()).toEqual({ status: 'success', vps: live(vps) });
  });

  it('answers 404 not_found naming the reference for a VPS that never existed', async () => {
    await expectError(await read('/api/vps/sync/vps/4294967295'), 404, 'not_found', [{ field: 'id', message: 'no such VPS' }], 'VPS 4294967295 not found');
    const unknown = freshExternalId();
    await expectError(await read(`/api/vps/sync/vps?external_id=${unknown}`), 404, 'not_found', [{ field: 'external_id', message: 'no such VPS' }], `VPS with external_id "${unknown}" not found`);
  });

  it.each([
    ['/api/vps/sync/vps/abc', [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
    ['/api/vps/sync/vps/0', [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
    ['/api/vps/sync/vps/4294967296', [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
    ['/api/vps/sync/vps/-1', [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
    ['/api/vps/sync/vps/1?verbose=1', [{ field: 'verbose', message: 'is not a known field' }]],
    [
      '/api/vps/sync/vps/abc?verbose=1',
      [
        { field: 'id', message: 'must be an integer between 1 and 4294967295' },
        { field: 'verbose', message: 'is not a known field' },
      ],
    ],
    ['/api/vps/sync/vps', [{ field: 'external_id', message: 'is required' }]],
    ['/api/vps/sync/vps?external_id=', [{ field: 'external_id', message: 'must not be empty' }]],
    ['/api/vps/sync/vps?external_id=a%20b', [{ field: 'external_id', message: 'must be visible ASCII characters only' }]],
    ['/api/vps/sync/vps?external_id=a&external_id=b', [{ field: 'external_id', message: 'must be given once (list values with commas)' }]],
    ['/api/vps/sync/vps?external_id=a&user_id=5', [{ field: 'user_id', message: 'is not a known field' }]],
  ])('refuses %s with 400 validation_failed', async (path, errors) => {
    await expectError(await read(path), 400, 'validation_failed', errors, 'Validation failed');
  });

  it('answers other methods with 405 and Allow: GET', async () => {
    for (const path of ['/api/vps/sync/vps/1', '/api/vps/sync/vps', '/api/vps/sync/users/1/vps']) {
      const res = await call(path, { method: 'DELETE', headers: KEY });
      expect(res.headers.get('Allow'), path).toBe('GET');
      await expectError(res, 405, 'method_not_allowed', [], 'Method not allowed; use GET');
    }
  });
});

describe('GET /api/vps/sync/users/{user_id}/vps', () => {
  it('pages through all of the user\'s VPS, newest first, deleted ones marked, without duplicates or gaps', async () => {
    const user = freshUser();
    const other = await createVps(freshUser());
    const made: CreatedVps[] = [];
    for (let i = 0; i < 7; i++) made.push(await createVps(user, { name: `drift-${i}`, external_id: freshExternalId() }));
    const deleted = new Set([made[1]!.id, made[4]!.id]);
    for (const id of deleted) expect((await sync({ action: 'delete', vps: { id } })).status).toBe(200);

    const { items, pages } = await allPages(user, 'limit=3');
    expect(pages).toBe(3);
    expect(items.map((v) => [v.id, v.deleted])).toEqual([...made].reverse().map((v) => [v.id, deleted.has(v.id)]));
    for (const item of items) {
      const original = made.find((v) => v.id === item.id)!;
      if (item.deleted) expect(item).toMatchObject({ ...original, updated_at: item.deleted_at, deleted: true });
      else expect(item).toEqual(live(original));
    }
    expect(items.map((v) => v.id)).not.toContain(other.id);

    const liveOnly = await allPages(user, 'limit=2&include_deleted=false');
    expect(liveOnly.items.map((v) => v.id)).toEqual(items.filter((v) => !v.deleted).map((v) => v.id));
    expect(liveOnly.pages).toBe(3);
    // The panel's own listing agrees with the live ones.
    const panel = await (await listAs(user)).json<{ vps: CreatedVps[] }>();
    expect(panel.vps).toEqual(liveOnly.items.map(({ deleted: _d, deleted_at: _a, ...vps }) => vps));
  });

  it('answers an empty page for a user without VPS', async () => {
    const res = await read(`/api/vps/sync/users/${freshUser()}/vps`);
    expect(await res.json()).toEqual({ status: 'success', vps: [], next_cursor: null });
  });

  it.each([
    ['abc/vps', [{ field: 'user_id', message: 'must be an integer between 1 and 4294967295' }]],
    ['0/vps', [{ field: 'user_id', message: 'must be an integer between 1 and 4294967295' }]],
    ['5/vps?limit=0', [{ field: 'limit', message: 'must be an integer between 1 and 100' }]],
    ['5/vps?limit=101', [{ field: 'limit', message: 'must be an integer between 1 and 100' }]],
    ['5/vps?limit=1.5', [{ field: 'limit', message: 'must be an integer between 1 and 100' }]],
    ['5/vps?cursor=not%20a%20cursor', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]],
    ['5/vps?cursor=abc', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]],
    ['5/vps?include_deleted=yes', [{ field: 'include_deleted', message: 'must be true or false' }]],
    ['5/vps?status=running', [{ field: 'status', message: 'is not a known field' }]],
    ['5/vps?limit=1&limit=2', [{ field: 'limit', message: 'must be given once (list values with commas)' }]],
    // Every problem at once, whichever part of the request it is in.
    [
      '5/vps?include_deleted=yes&limit=1&limit=2',
      [
        { field: 'limit', message: 'must be given once (list values with commas)' },
        { field: 'include_deleted', message: 'must be true or false' },
      ],
    ],
    [
      'x/vps?limit=0&cursor=zzz',
      [
        { field: 'user_id', message: 'must be an integer between 1 and 4294967295' },
        { field: 'limit', message: 'must be an integer between 1 and 100' },
        { field: 'cursor', message: 'is not a cursor from a previous page' },
      ],
    ],
  ])('refuses users/%s with 400 validation_failed', async (path, errors) => {
    await expectError(await read(`/api/vps/sync/users/${path}`), 400, 'validation_failed', errors, 'Validation failed');
  });
});
