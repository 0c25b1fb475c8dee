import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../../bindings.js';
import { startPanel, type PanelServer } from '../../browser/panel-server.js';

/** The panel dev server's /dev/token: the `npm run token` signer, over HTTP, in development only. */
let panel: PanelServer;

beforeAll(async () => {
  panel = await startPanel('http://127.0.0.1:9');
}, 60_000);
afterAll(() => panel?.close());

describe('examples/panel /dev/token', () => {
  it("signs a token for the chosen user that the Worker's secret verifies", async () => {
    const response = await fetch(`${panel.origin}/dev/token?user=5`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { token: string; user_id: number; expires_at: string };
    expect(body.user_id).toBe(5);

    const { payload, protectedHeader } = await jwtVerify(body.token, new TextEncoder().encode(TEST_BINDINGS.JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ user_id: 5, sub: '5' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Math.abs(Date.parse(body.expires_at) - payload.exp! * 1000)).toBeLessThan(2000);
  });

  it('takes a ttl for trying expiry by hand', async () => {
    const { token } = (await (await fetch(`${panel.origin}/dev/token?user=12&ttl=5`)).json()) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(TEST_BINDINGS.JWT_SECRET));
    expect(payload.exp! - payload.iat!).toBe(5);
  });

  it.each([
    ['user=0', 'user must be a user id (1..4294967295)'],
    ['user=abc', 'user must be a user id (1..4294967295)'],
    ['', 'user must be a user id (1..4294967295)'],
    ['user=4294967296', 'user must be a user id (1..4294967295)'],
    ['user=5&ttl=0', 'ttl must be 1..86400 seconds'],
    ['user=5&ttl=100000', 'ttl must be 1..86400 seconds'],
  ])('refuses ?%s', async (query, error) => {
    const response = await fetch(`${panel.origin}/dev/token?${query}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  it('answers GET only', async () => {
    const response = await fetch(`${panel.origin}/dev/token?user=5`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});
