import { env } from 'cloudflare:workers';
import { Hono, type Context } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.js';
import type { AppEnv } from '../../src/env.js';
import { onError, StoreUnavailableError } from '../../src/errors.js';
import { signature } from '../../src/middleware/signature.js';
import type { WebhookIdStore } from '../../src/store/types.js';
import { TEST_SIGNING_SECRET } from '../bindings.js';
import { signatureHeaders } from '../signing.js';

/** The middleware against a recording webhook-id store, with a handler of the test's choosing. */
function harness(handler: (c: Context<AppEnv>) => Response | Promise<Response>, claimed = true) {
  const calls: string[] = [];
  const store: WebhookIdStore = {
    claim: async (id, expiresAt, now) => (calls.push(`claim ${id} ${expiresAt.getTime() - now.getTime() > 0}`), claimed),
    release: async (id) => void calls.push(`release ${id}`),
    purgeExpired: async () => 0,
  };
  const config = parseConfig({ ...env, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET });
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('requestId', 'req-1');
      c.set('config', config);
      c.set('webhookIds', store);
      await next();
    })
    .post('/', signature({ maxBytes: 1024 }), handler);
  app.onError(onError);
  const send = async (id: string, body = '{"a":1}') =>
    app.request('/', { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...(await signatureHeaders(body, { id })) } });
  return { send, calls };
}

describe('signature()', () => {
  it('keeps the webhook-id of a request that was answered', async () => {
    const { send, calls } = harness(() => Response.json({ ok: true }, { status: 201 }));
    expect((await send('msg_1')).status).toBe(201);
    expect(calls).toEqual(['claim msg_1 true']);
  });

  it('keeps the webhook-id of a 4xx answer: the request was refused, not lost', async () => {
    const { send, calls } = harness(() => Response.json({ no: true }, { status: 404 }));
    expect((await send('msg_2')).status).toBe(404);
    expect(calls).toEqual(['claim msg_2 true']);
  });

  it('frees the webhook-id of a 5xx answer, thrown or returned, so the same signed request can be retried', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const thrown = harness(() => {
        throw new StoreUnavailableError('down');
      });
      expect((await thrown.send('msg_3')).status).toBe(503);
      expect(thrown.calls).toEqual(['claim msg_3 true', 'release msg_3']);

      const returned = harness(() => new Response('bad gateway', { status: 502 }));
      expect((await returned.send('msg_4')).status).toBe(502);
      expect(returned.calls).toEqual(['claim msg_4 true', 'release msg_4']);
    } finally {
      errors.mockRestore();
    }
  });

  it('hands on an unread request with the bytes it verified', async () => {
    const { send } = harness(async (c) => new Response(`${await c.req.raw.text()} ${await c.req.text()}`));
    expect(await (await send('msg_5', '{"b":"ü"}')).text()).toBe('{"b":"ü"} {"b":"ü"}');
  });

  it('refuses a replayed id without running the handler', async () => {
    const handler = vi.fn(() => new Response('ran'));
    const { send } = harness(handler, false);
    const res = await send('msg_7');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('signature_replayed');
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses an invalid maxBytes when built', () => {
    expect(() => signature({ maxBytes: 0 })).toThrow('signature: maxBytes must be a positive integer');
  });
});
