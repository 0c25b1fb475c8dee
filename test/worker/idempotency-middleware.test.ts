import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import type { AppEnv } from '../../src/env';
import { onError, StoreUnavailableError } from '../../src/errors';
import { idempotency } from '../../src/middleware/idempotency';
import type { IdempotencyClaim, IdempotencyStore } from '../../src/store/types';

/** The middleware against a recording store, with a handler of the test's choosing. */
function harness(handler: () => Response | Promise<Response>, claim: IdempotencyClaim = { state: 'claimed' }) {
  const calls: string[] = [];
  const store: IdempotencyStore = {
    claim: async () => (calls.push('claim'), claim),
    complete: async (_key, status, body) => void calls.push(`complete ${status} ${body}`),
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
    .post('/', idempotency(), handler);
  app.onError(onError);
  const send = (key = 'key-1') => app.request('/', { method: 'POST', headers: { 'Idempotency-Key': key } });
  return { send, calls, store };
}

describe('idempotency()', () => {
  it('stores the answer of a request that ran', async () => {
    const { send, calls } = harness(() => Response.json({ ok: true }, { status: 201 }));
    expect((await send()).status).toBe(201);
    expect(calls).toEqual(['claim', 'complete 201 {"ok":true}']);
  });

  it('stores no 5xx answer, thrown or returned, and frees the key for a retry', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const thrown = harness(() => {
      throw new StoreUnavailableError('down');
    });
    expect((await thrown.send()).status).toBe(503);
    expect(thrown.calls).toEqual(['claim', 'release']);

    const returned = harness(() => new Response('bad gateway', { status: 502 }));
    expect((await returned.send()).status).toBe(502);
    expect(returned.calls).toEqual(['claim', 'release']);
    errors.mockRestore();
  });

  it('still answers when the answer cannot be stored', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { send, store } = harness(() => Response.json({ ok: true }, { status: 201 }));
    store.complete = async () => {
      throw new StoreUnavailableError('down');
    };
    const res = await send();
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('idempotency record not saved'));
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
});
