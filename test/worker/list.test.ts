import { describe, expect, it } from 'vitest';
import { call, createVps, errorBody, freshUser, listAs, sync, tokenFor, type CreatedVps } from './helpers';

interface ListBody {
  status: string;
  vps: CreatedVps[];
  next_cursor: string | null;
}
const list = async (user: number, query = '') => (await listAs(user, query)).json<ListBody>();

describe('GET /api/vps', () => {
  it("returns only the token owner's VPS, newest first", async () => {
    const alice = freshUser();
    const bob = freshUser();
    const a1 = await createVps(alice, { name: 'a1' });
    const b1 = await createVps(bob, { name: 'b1' });
    const a2 = await createVps(alice, { name: 'a2' });

    const res = await listAs(alice);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'success', vps: [a2, a1], next_cursor: null });
    expect((await list(bob)).vps).toEqual([b1]);
  });

  it('answers an empty list for a user without VPS', async () => {
    expect(await list(freshUser())).toEqual({ status: 'success', vps: [], next_cursor: null });
  });

  it('ignores a user_id in the query or a header: the owner comes from the token only', async () => {
    const alice = freshUser();
    const bob = freshUser();
    await createVps(bob, { name: 'bobs' });
    const token = await tokenFor(alice);
    const res = await call(`/api/vps?user_id=${bob}`, { headers: { Authorization: `Bearer ${token}`, 'X-User-Id': String(bob) } });
    expect(res.status).toBe(200);
    expect((await res.json<ListBody>()).vps).toEqual([]);
  });

  it('pages with limit and an opaque cursor, without gaps or repeats', async () => {
    const user = freshUser();
    const created: CreatedVps[] = [];
    for (let i = 0; i < 5; i++) created.push(await createVps(user, { name: `vps-${i}` }));
    const newestFirst = created.reverse().map((v) => v.id);

    const first = await list(user, '?limit=2');
    expect(first.vps.map((v) => v.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await list(user, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.vps.map((v) => v.id)).toEqual(newestFirst.slice(2, 4));
    const third = await list(user, `?limit=2&cursor=${second.next_cursor}`);
    expect(third.vps.map((v) => v.id)).toEqual(newestFirst.slice(4));
    expect(third.next_cursor).toBeNull();
  });

  it('defaults to 50 and caps the limit at 100', async () => {
    const over = await listAs(freshUser(), '?limit=101');
    expect(over.status).toBe(400);
    expect((await errorBody(over)).errors).toEqual([{ field: 'limit', message: 'must be an integer between 1 and 100' }]);
    for (const bad of ['0', '-1', 'ten', '2.5', '']) {
      const res = await listAs(freshUser(), `?limit=${bad}`);
      expect(res.status, `limit=${bad}`).toBe(400);
    }
  });

  it('rejects a cursor it did not issue', async () => {
    for (const bad of ['abc', 'djEuLTE', '../../etc', 'x'.repeat(40)]) {
      const res = await listAs(freshUser(), `?cursor=${bad}`);
      expect(res.status, bad).toBe(400);
      expect((await errorBody(res)).errors).toEqual([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
    }
  });
});

describe('GET /api/vps/:id', () => {
  it("returns the owner's VPS", async () => {
    const user = freshUser();
    const vps = await createVps(user);
    const res = await call(`/api/vps/${vps.id}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', vps });
  });

  it("answers 404, not 403, for another user's VPS (no IDOR)", async () => {
    const owner = freshUser();
    const vps = await createVps(owner);
    const res = await call(`/api/vps/${vps.id}`, { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } });
    expect(res.status).toBe(404);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'not_found',
      message: 'VPS not found',
      errors: [],
      request_id: res.headers.get('X-Request-Id'),
    });
  });

  it('answers the same 404 for an id that does not exist or was deleted', async () => {
    const user = freshUser();
    const vps = await createVps(user);
    await sync({ action: 'delete', vps: { id: vps.id } });
    const auth = { headers: { Authorization: `Bearer ${await tokenFor(user)}` } };
    for (const id of [vps.id, 4_200_000_000, 99_999_999_999_999_999]) {
      const res = await call(`/api/vps/${id}`, auth);
      expect(res.status, String(id)).toBe(404);
      expect((await errorBody(res)).message).toBe('VPS not found');
    }
  });
});

describe('CORS for the panel frontend', () => {
  const origin = 'https://panel.example.test';

  it('answers a preflight from the configured origin without credentials', async () => {
    const res = await call('/api/vps', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
  });

  it('exposes the request id to the configured origin only', async () => {
    const user = freshUser();
    const allowed = await call('/api/vps', { headers: { Origin: origin, Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(allowed.headers.get('Access-Control-Expose-Headers')).toBe('X-Request-Id');

    const other = await call('/api/vps', { headers: { Origin: 'https://evil.example.test', Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('offers no CORS on the server-to-server sync endpoint', async () => {
    const res = await call('/api/vps/sync', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
