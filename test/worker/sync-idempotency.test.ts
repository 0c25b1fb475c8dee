import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { ANSWER_TTL_MS, canonicalJson, IN_FLIGHT_LEASE_MS, sha256Hex } from '../../src/contract/index.js';
import { StoreUnavailableError } from '../../src/errors.js';
import worker from '../../src/index.js';
import type { Stores } from '../../src/store/select.js';
import { assertDocumented } from './conformance.js';
import { countedStores } from './round-trips.js';
import { BASE, createVps, errorBody, freshUser, listAs, sync, syncRequest, validVps } from './helpers.js';

const store = countedStores().stores.idempotency;
let lastKey = 0;
const freshKey = () => `idem-${Date.now()}-${++lastKey}`;
const countFor = async (user: number) => (await (await listAs(user)).json<{ vps: unknown[] }>()).vps.length;

describe('Idempotency-Key on sync', () => {
  it('replays the first answer, status and body, for the same key and body', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    const first = await sync(create, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const firstBody = await first.text();

    const second = await sync(create, { 'Idempotency-Key': key });
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
    // Without an external_id, only the key stands between a retry and a duplicate.
    expect(await countFor(user)).toBe(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const key = freshKey();
    const user = freshUser();
    await sync({ action: 'create', vps: validVps(user) }, { 'Idempotency-Key': key });
    const reordered = { vps: Object.fromEntries(Object.entries(validVps(user)).reverse()), action: 'create' };
    const res = await sync(reordered, { 'Idempotency-Key': key });
    expect(res.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('replays stored error answers too (a 404 stays a 404)', async () => {
    const key = freshKey();
    const update = { action: 'update', vps: { id: 4_260_000_000, status: 'running' } };
    const first = await sync(update, { 'Idempotency-Key': key });
    const second = await sync(update, { 'Idempotency-Key': key });
    expect([first.status, second.status]).toEqual([404, 404]);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
  });

  it('answers 422 for the same key with a different body, and runs nothing', async () => {
    const user = freshUser();
    const key = freshKey();
    await sync({ action: 'create', vps: validVps(user) }, { 'Idempotency-Key': key });
    const res = await sync({ action: 'create', vps: validVps(user, { name: 'other' }) }, { 'Idempotency-Key': key });
    expect(res.status).toBe(422);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'idempotency_key_reused',
      message: 'Idempotency-Key was already used with a different request body',
      errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
      request_id: res.headers.get('X-Request-Id'),
    });
    expect(await countFor(user)).toBe(1);
  });

  it('answers 409 with Retry-After while a request with that key is still in flight', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    // The first request's claim, as if it were still running.
    expect(await store.claim(key, await sha256Hex(canonicalJson(create)), new Date())).toEqual({ state: 'claimed' });

    const res = await sync(create, { 'Idempotency-Key': key });
    expect(res.status).toBe(409);
    expect(res.headers.get('Retry-After')).toBe('1');
    expect((await errorBody(res)).message).toBe('A request with this Idempotency-Key is still in progress; retry later');
    expect(await countFor(user)).toBe(0);
  });

  it('runs one of many parallel requests with one key; the others replay or are told to wait', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => sync(create, { 'Idempotency-Key': key })));
    const ran = answers.filter((r) => r.status === 201 && !r.headers.get('Idempotent-Replayed'));
    expect(ran).toHaveLength(1);
    for (const r of answers) expect([201, 409]).toContain(r.status);
    expect(await countFor(user)).toBe(1);
  });

  it('lets a retry run again once a claim whose request died has lapsed', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    const longAgo = new Date(Date.now() - IN_FLIGHT_LEASE_MS - 1000);
    await store.claim(key, await sha256Hex(canonicalJson(create)), longAgo);
    expect((await sync(create, { 'Idempotency-Key': key })).status).toBe(201);
    expect(await countFor(user)).toBe(1);
  });

  it('forgets stored answers after 24 hours', async () => {
    const key = freshKey();
    const hash = 'a'.repeat(64);
    const dayAgo = new Date(Date.now() - ANSWER_TTL_MS - 60_000);
    await store.claim(key, hash, dayAgo);
    await store.complete(key, dayAgo, 201, '{"stored":true}', dayAgo);
    expect(await store.claim(key, 'b'.repeat(64), new Date())).toEqual({ state: 'claimed' });
  });

  it('never stores a late answer over the claim of a request that took the key over after the lease', async () => {
    const key = freshKey();
    const first = new Date(Date.now() - IN_FLIGHT_LEASE_MS - 1000);
    await store.claim(key, 'a'.repeat(64), first);
    const second = new Date();
    expect(await store.claim(key, 'b'.repeat(64), second)).toEqual({ state: 'claimed' });

    await store.complete(key, first, 201, '{"late":true}', new Date());
    await store.release(key, first);
    expect(await store.claim(key, 'b'.repeat(64), new Date())).toMatchObject({ state: 'in_flight', claimedAt: second });
    await store.complete(key, second, 200, '{"second":true}', new Date());
    expect(await store.claim(key, 'b'.repeat(64), new Date())).toEqual({ state: 'done', status: 200, body: '{"second":true}' });
  });

  it('refuses a malformed key', async () => {
    for (const key of ['has space', 'x'.repeat(256), 'tab\there']) {
      const res = await sync({ action: 'create', vps: validVps(freshUser()) }, { 'Idempotency-Key': key });
      expect(res.status, key).toBe(400);
      expect((await errorBody(res)).errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
  });
});

/**
 * The Worker on the configured database's stores as `adapt` changes them, counting the round
 * trips made before the answer (the critical path) and in all, once its waitUntil work is done.
 * Storing the answer or freeing the claim waits until the answer is out: a middleware that
 * awaited either before answering would never answer here.
 */
function workerOn(adapt: (stores: Stores) => Stores = (stores) => stores) {
  const counted = countedStores();
  let answered = Promise.resolve();
  const afterAnswer = (stores: Stores): Stores => {
    const { complete, release } = stores.idempotency;
    return {
      ...stores,
      idempotency: {
        ...stores.idempotency,
        complete: (...args) => answered.then(() => complete(...args)),
        release: (...args) => answered.then(() => release(...args)),
      },
    };
  };
  const app = createApp({ stores: () => adapt(afterAnswer(counted.stores)) });
  return async (body: unknown, headers: Record<string, string> = {}) => {
    counted.reset();
    let answer = () => {};
    answered = new Promise((resolve) => (answer = resolve));
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/api/vps/sync`, syncRequest(body, headers)), env, ctx);
    const critical = counted.roundTrips();
    answer();
    await waitOnExecutionContext(ctx);
    await assertDocumented('POST', `${BASE}/api/vps/sync`, res);
    return { res, critical, total: counted.roundTrips() };
  };
}

/** The stores with the Idempotency-Key answer lost: the change is made and answered, its record never saved. */
const answerLost = (stores: Stores): Stores => ({ ...stores, idempotency: { ...stores.idempotency, complete: async () => {} } });

describe('Idempotency-Key round trips', () => {
  it('costs one round trip before the answer (the claim); the answer is stored after it', async () => {
    const { kind } = countedStores();
    const send = workerOn();
    const user = freshUser();
    const create = await send({ action: 'create', vps: validVps(user) }, { 'Idempotency-Key': freshKey() });
    expect(create.res.status).toBe(201);
    // Without a key a create is 1 round trip on both stores, an update 1 on D1 and 2 on PlanetScale.
    expect([create.critical, create.total]).toEqual([2, 3]);

    const { vps } = await create.res.json<{ vps: { id: number } }>();
    const update = await send({ action: 'update', vps: { id: vps.id, status: 'running' } }, { 'Idempotency-Key': freshKey() });
    expect(update.res.status).toBe(200);
    expect([update.critical, update.total]).toEqual(kind === 'd1' ? [2, 3] : [3, 4]);

    const key = freshKey();
    await send({ action: 'delete', vps: { id: vps.id } }, { 'Idempotency-Key': key });
    const replay = await send({ action: 'delete', vps: { id: vps.id } }, { 'Idempotency-Key': key });
    expect(replay.res.headers.get('Idempotent-Replayed')).toBe('true');
    expect([replay.critical, replay.total]).toEqual(kind === 'd1' ? [1, 1] : [2, 2]);
  });

  it('claims a key in one round trip; telling what holds it costs D1 nothing more and PlanetScale one read', async () => {
    const { kind, stores, roundTrips, reset } = countedStores();
    const key = freshKey();
    const trips = async (claim: () => Promise<unknown>) => (reset(), await claim(), roundTrips());
    const now = new Date();
    expect(await trips(() => stores.idempotency.claim(key, 'a'.repeat(64), now))).toBe(1);
    expect(await trips(() => stores.idempotency.claim(key, 'a'.repeat(64), now))).toBe(kind === 'd1' ? 1 : 2);
    // A lapsed claim is taken over: one more statement on PlanetScale.
    const later = new Date(now.getTime() + IN_FLIGHT_LEASE_MS + 1000);
    reset();
    expect(await stores.idempotency.claim(key, 'b'.repeat(64), later)).toEqual({ state: 'claimed' });
    expect(roundTrips()).toBe(kind === 'd1' ? 1 : 3);
  });

  it('stores nothing for a 5xx: a retry with the key runs again', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const down = workerOn((stores) => ({ ...stores, vps: { ...stores.vps, create: () => Promise.reject(new StoreUnavailableError('down')) } }));
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    expect((await down(create, { 'Idempotency-Key': key })).res.status).toBe(503);
    errors.mockRestore();

    const retry = await sync(create, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await countFor(user)).toBe(1);
  });
});

describe('an Idempotency-Key whose answer was never stored', () => {
  afterEach(() => void vi.useRealTimers());
  const afterTheLease = () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + IN_FLIGHT_LEASE_MS + 1000);
  };

  it('answers 409 until the lease ends; then a create with external_id runs again as a replay, not a duplicate', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user, { external_id: `lost-${user}` }) };
    const first = await workerOn(answerLost)(create, { 'Idempotency-Key': key });
    expect(first.res.status).toBe(201);
    const created = (await first.res.json<{ vps: unknown }>()).vps;

    const early = await sync(create, { 'Idempotency-Key': key });
    expect(early.status).toBe(409);
    expect(early.headers.get('Retry-After')).toBe('1');

    afterTheLease();
    const retry = await sync(create, { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ applied: false, outcome: 'replayed', vps: created });
    // That answer is the key's now.
    expect((await sync(create, { 'Idempotency-Key': key })).headers.get('Idempotent-Replayed')).toBe('true');
    vi.useRealTimers();
    expect(await countFor(user)).toBe(1);
  });

  it('lets an update with version run again after the lease as stale: the change is not applied twice', async () => {
    const user = freshUser();
    const vps = await createVps(user, { version: 1 });
    const key = freshKey();
    const update = { action: 'update', vps: { id: vps.id, status: 'running', version: 5 } };
    const first = await workerOn(answerLost)(update, { 'Idempotency-Key': key });
    expect(await first.res.json()).toMatchObject({ outcome: 'updated', vps: { status: 'running', version: 5 } });

    afterTheLease();
    const retry = await sync(update, { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ applied: false, outcome: 'stale', vps: { status: 'running', version: 5 } });
  });

  it('tells a retry to come back when the lease ends, not every second, once the claim is old', async () => {
    const user = freshUser();
    const key = freshKey();
    const create = { action: 'create', vps: validVps(user) };
    // The claim of a request whose release failed 20 s ago (the database was down).
    await store.claim(key, await sha256Hex(canonicalJson(create)), new Date(Date.now() - 20_000));
    const res = await sync(create, { 'Idempotency-Key': key });
    expect(res.status).toBe(409);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThanOrEqual(38);
    expect(Number(res.headers.get('Retry-After'))).toBeLessThanOrEqual(40);
  });
});

describe('the hourly purge (cron)', () => {
  it('deletes expired Idempotency-Key records and keeps live ones', async () => {
    const expired = freshKey();
    const live = freshKey();
    await store.claim(expired, 'c'.repeat(64), new Date(Date.now() - IN_FLIGHT_LEASE_MS - 5000));
    await store.claim(live, 'd'.repeat(64), new Date());

    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '17 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/"task":"purge-idempotency-keys","purged":[1-9]/));
    log.mockRestore();

    expect(await store.claim(expired, 'e'.repeat(64), new Date())).toEqual({ state: 'claimed' });
    expect(await store.claim(live, 'f'.repeat(64), new Date())).toEqual({ state: 'mismatch' });
  });
});
