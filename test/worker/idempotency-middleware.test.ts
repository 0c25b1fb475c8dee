import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { IN_FLIGHT_LEASE_MS } from '../../src/contract/index.js';
import type { AppEnv } from '../../src/env.js';
import { onError, StoreUnavailableError } from '../../src/errors.js';
import { idempotency, STILL_RUNNING_MS, type IdempotencyOptions } from '../../src/middleware/idempotency.js';
import type { IdempotencyClaim, IdempotencyStore } from '../../src/store/types.js';

/**
 * The middleware against a recording store, with a handler of the test's choosing. `settled()`
 * waits for the work it left for after the response (waitUntil), as the runtime does.
 */
function harness(
  handler: () => Response | Promise<Response>,
  claim: IdempotencyClaim = { state: 'claimed' },
  options: IdempotencyOptions = { retryDelaysMs: [0, 0] },
) {
  const calls: string[] = [];
  const store: IdempotencyStore = {
    claim: async () => (calls.push('claim'), claim),
    complete: async (_key, _claimedAt, status, body) => void calls.push(`complete ${status} ${body}`),
    release: async () => void calls.push('release'),
    purgeExpired: async () => 0,
  };
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('requestId', 'req-1');
      c.set('idempotency', store);
      c.set('body', { action: 'create' });
      await next();
    })
    .post('/', idempotency(options), handler);
  app.onError(onError);
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void background.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const send = (key = 'key-1') => app.request('/', { method: 'POST', headers: { 'Idempotency-Key': key } }, {}, ctx);
  const settled = async () => void (await Promise.all(background));
  return { send, calls, store, settled };
}

const failing = () => Promise.reject(new StoreUnavailableError('down'));

describe('idempotency()', () => {
  it('stores the answer of a request that ran, after the response', async () => {
    const { send, calls, settled } = harness(() => Response.json({ ok: true }, { status: 201 }));
    expect((await send()).status).toBe(201);
    await settled();
    expect(calls).toEqual(['claim', 'complete 201 {"ok":true}']);
  });

  it('answers before the answer is stored: the claim is the only round trip on the way', async () => {
    const { send, calls, store, settled } = harness(() => Response.json({ ok: true }, { status: 201 }));
    let finishStoring = () => {};
    store.complete = (_key, _claimedAt, status) => new Promise<void>((resolve) => (finishStoring = () => (calls.push(`complete ${status}`), resolve())));
    const res = await send();
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(calls).toEqual(['claim']);
    finishStoring();
    await settled();
    expect(calls).toEqual(['claim', 'complete 201']);
  });

  it('stores no 5xx answer, thrown or returned, and frees the key for a retry', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const thrown = harness(() => {
      throw new StoreUnavailableError('down');
    });
    expect((await thrown.send()).status).toBe(503);
    await thrown.settled();
    expect(thrown.calls).toEqual(['claim', 'release']);

    const returned = harness(() => new Response('bad gateway', { status: 502 }));
    expect((await returned.send()).status).toBe(502);
    await returned.settled();
    expect(returned.calls).toEqual(['claim', 'release']);
    errors.mockRestore();
  });

  it('tries again to store the answer or free the claim when the database blips', async () => {
    const ok = harness(() => Response.json({ ok: true }, { status: 201 }));
    const complete = ok.store.complete;
    let tries = 0;
    ok.store.complete = (...args) => (++tries < 3 ? failing() : complete(...args));
    expect((await ok.send()).status).toBe(201);
    await ok.settled();
    expect(tries).toBe(3);
    expect(ok.calls).toEqual(['claim', 'complete 201 {"ok":true}']);

    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const down = harness(() => {
      throw new StoreUnavailableError('down');
    });
    const release = down.store.release;
    let releases = 0;
    down.store.release = (...args) => (++releases < 2 ? failing() : release(...args));
    expect((await down.send()).status).toBe(503);
    await down.settled();
    expect(down.calls).toEqual(['claim', 'release']);
    errors.mockRestore();
  });

  it('still answers when the answer cannot be stored, and logs it after the last try', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { send, store, settled } = harness(() => Response.json({ ok: true }, { status: 201 }));
    let tries = 0;
    store.complete = () => (tries++, failing());
    const res = await send();
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    await settled();
    expect(tries).toBe(3);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('"msg":"idempotency record not saved","request_id":"req-1","attempts":3'));
    errors.mockRestore();
  });

  it('replays a stored answer without running the handler', async () => {
    const handler = vi.fn(() => new Response('ran'));
    const { send } = harness(handler, { state: 'done', status: 404, body: '{"status":"error"}' });
    const res = await send();
    expect(res.status).toBe(404);
    expect(res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await res.text()).toBe('{"status":"error"}');
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 409 with Retry-After 1 s for a young claim, and the lease left for an old one', async () => {
    const handler = vi.fn(() => new Response('ran'));
    const inFlight = (ageMs: number): IdempotencyClaim => {
      const claimedAt = new Date(Date.now() - ageMs);
      return { state: 'in_flight', claimedAt, expiresAt: new Date(claimedAt.getTime() + IN_FLIGHT_LEASE_MS) };
    };
    const young = await harness(handler, inFlight(STILL_RUNNING_MS - 2000)).send();
    expect(young.status).toBe(409);
    expect(young.headers.get('Retry-After')).toBe('1');

    // A claim whose request died or whose release failed (the database was down): waiting a
    // second at a time would only collect 409s until the lease ends.
    const old = await harness(handler, inFlight(20_000)).send();
    expect(old.status).toBe(409);
    expect(Number(old.headers.get('Retry-After'))).toBeGreaterThanOrEqual(39);
    expect(Number(old.headers.get('Retry-After'))).toBeLessThanOrEqual(40);
    expect(handler).not.toHaveBeenCalled();
  });

  it('does nothing without the header', async () => {
    const { calls, store } = harness(() => new Response('ran'));
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('idempotency', store);
        await next();
      })
      .post('/', idempotency(), () => new Response('ran'));
    expect(await (await app.request('/', { method: 'POST' })).text()).toBe('ran');
    expect(calls).toEqual([]);
  });

  it('refuses retry delays that are not whole milliseconds', () => {
    expect(() => idempotency({ retryDelaysMs: [-1] })).toThrow(/retryDelaysMs/);
    expect(() => idempotency({ retryDelaysMs: [0.5] })).toThrow(/retryDelaysMs/);
  });
});
