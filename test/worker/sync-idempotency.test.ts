import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { ANSWER_TTL_MS, canonicalJson, IN_FLIGHT_LEASE_MS, sha256Hex } from '../../src/contract';
import worker from '../../src/index';
import { countedStores } from './round-trips';
import { errorBody, freshUser, listAs, sync, validVps } from './helpers';

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
    await store.complete(key, 201, '{"stored":true}', dayAgo);
    expect(await store.claim(key, 'b'.repeat(64), new Date())).toEqual({ state: 'claimed' });
  });

  it('refuses a malformed key', async () => {
    for (const key of ['has space', 'x'.repeat(256), 'tab\there']) {
      const res = await sync({ action: 'create', vps: validVps(freshUser()) }, { 'Idempotency-Key': key });
      expect(res.status, key).toBe(400);
      expect((await errorBody(res)).errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
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
