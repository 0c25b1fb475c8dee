import { describe, expect, it, vi } from 'vitest';
import { call, callWith, createVps, errorBody, freshUser, listAs, sync, tokenFor, type CreatedVps } from './helpers.js';

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

  it('never takes the owner from the query or a header: only from the token', async () => {
    const alice = freshUser();
    const bob = freshUser();
    await createVps(bob, { name: 'bobs' });
    const token = await tokenFor(alice);
    const byQuery = await call(`/api/vps?user_id=${bob}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(byQuery.status).toBe(400);
    expect((await errorBody(byQuery)).errors).toEqual([{ field: 'user_id', message: 'is not a known field' }]);
    const byHeader = await call('/api/vps', { headers: { Authorization: `Bearer ${token}`, 'X-User-Id': String(bob) } });
    expect(byHeader.status).toBe(200);
    expect((await byHeader.json<ListBody>()).vps).toEqual([]);
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

  it('names every offending parameter at once: a bad value, a foreign cursor and a repeated one', async () => {
    const res = await listAs(freshUser(), '?limit=0&cursor=zzz&status=running&status=bogus');
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([
      { field: 'status', message: 'must be given once (list values with commas)' },
      { field: 'limit', message: 'must be an integer between 1 and 100' },
      { field: 'cursor', message: 'is not a cursor from a previous page' },
    ]);
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

  it.each([
    ['?x=1', [{ field: 'x', message: 'is not a known field' }]],
    // The owner comes from the token only, as on the listing.
    ['?user_id=5', [{ field: 'user_id', message: 'is not a known field' }]],
    [
      '?verbose=1&x=1',
      [
        { field: 'verbose', message: 'is not a known field' },
        { field: 'x', message: 'is not a known field' },
      ],
    ],
  ])('answers 400 validation_failed for %s, as the listing does: it takes no query parameter', async (query, errors) => {
    const user = freshUser();
    const vps = await createVps(user);
    const res = await call(`/api/vps/${vps.id}${query}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toEqual({ status: 'error', code: 'validation_failed', message: 'Validation failed', errors, request_id: res.headers.get('X-Request-Id') });
  });

  it('checks the token before the query string, and takes an empty one', async () => {
    const user = freshUser();
    const vps = await createVps(user);
    expect((await call(`/api/vps/${vps.id}?x=1`)).status).toBe(401);
    const empty = await call(`/api/vps/${vps.id}?`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ status: 'success', vps });
  });
});

describe('GET /api/vps filters', () => {
  it('filters by status and hypervisor, one value or a comma list, and pages correctly under them', async () => {
    const user = freshUser();
    const made: CreatedVps[] = [];
    const kinds = [
      ['running', 'proxmox'],
      ['stopped', 'kvm'],
      ['running', 'kvm'],
      ['suspended', 'proxmox'],
      ['running', 'proxmox'],
      ['stopped', 'proxmox'],
      ['running', 'xen'],
    ] as const;
    for (const [status, hypervisor] of kinds) made.push(await createVps(user, { status, hypervisor }));
    const newestFirst = [...made].reverse();
    const expected = (pick: (v: CreatedVps) => boolean) => newestFirst.filter(pick).map((v) => v.id);

    expect((await list(user, '?status=running')).vps.map((v) => v.id)).toEqual(expected((v) => v.status === 'running'));
    expect((await list(user, '?status=stopped,suspended')).vps.map((v) => v.id)).toEqual(expected((v) => v.status !== 'running'));
    expect((await list(user, '?hypervisor=kvm,xen&status=running')).vps.map((v) => v.id)).toEqual(
      expected((v) => v.status === 'running' && v.hypervisor !== 'proxmox'),
    );

    // Pages of 2 under a filter: no gaps, no repeats, the filter kept on every page.
    const seen: number[] = [];
    let query = '?status=running&limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(user, query);
      expect(page.vps.every((v) => v.status === 'running')).toBe(true);
      seen.push(...page.vps.map((v) => v.id));
      if (!page.next_cursor) break;
      query = `?status=running&limit=2&cursor=${page.next_cursor}`;
    }
    expect(seen).toEqual(expected((v) => v.status === 'running'));
  });

  it.each([
    ['?status=runing', 'status', 'must be one or more of creating, running, stopped, suspended, separated by commas'],
    ['?status=running,', 'status', 'must be one or more of creating, running, stopped, suspended, separated by commas'],
    ['?hypervisor=PROXMOX', 'hypervisor', 'must be one or more of proxmox, vmware, hyperv, kvm, xen, separated by commas'],
    ['?user_id=5', 'user_id', 'is not a known field'],
    ['?sort=name', 'sort', 'is not a known field'],
    ['?status=running&status=stopped', 'status', 'must be given once (list values with commas)'],
  ])('answers 400 validation_failed for %s', async (query, field, message) => {
    const res = await listAs(freshUser(), query);
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'validation_failed',
      message: 'Validation failed',
      errors: [{ field, message }],
      request_id: res.headers.get('X-Request-Id'),
    });
  });
});

describe('CORS for the panel frontend', () => {
  const origin = 'https://panel.example.test';

  it('answers a preflight from the configured origin for the headers a browser fetch wrapper sends', async () => {
    const res = await call('/api/vps', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,content-type,x-request-id' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(res.headers.get('Access-Control-Allow-Headers')).toBe('Authorization,Content-Type,X-Request-Id');
    expect(res.headers.get('Access-Control-Allow-Methods')).toBe('GET');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('allows only the configured origins, the development ones included only where configured', async () => {
    const dev = { CORS_ORIGINS: 'http://localhost:3000,http://127.0.0.1:3000,http://localhost:5173' };
    for (const allowed of dev.CORS_ORIGINS.split(',')) {
      const res = await callWith(dev, '/api/vps', { method: 'OPTIONS', headers: { Origin: allowed, 'Access-Control-Request-Method': 'GET' } });
      expect(res.headers.get('Access-Control-Allow-Origin'), allowed).toBe(allowed);
    }
    for (const refused of ['http://localhost:3001', 'https://localhost:3000', 'null']) {
      const res = await callWith(dev, '/api/vps', { method: 'OPTIONS', headers: { Origin: refused, 'Access-Control-Request-Method': 'GET' } });
      expect(res.headers.get('Access-Control-Allow-Origin'), refused).toBeNull();
    }
    // The suite's own configuration lists none of them.
    const res = await call('/api/vps', { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('lets any origin read /openapi.json', async () => {
    const res = await call('/openapi.json', { headers: { Origin: 'https://editor.example.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('fails closed when CORS_ORIGINS lists something that is not an origin', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await callWith({ CORS_ORIGINS: 'panel.example.test/app' }, '/api/vps', {
        method: 'OPTIONS',
        headers: { Origin: 'https://panel.example.test', 'Access-Control-Request-Method': 'GET' },
      });
      expect(res.status).toBe(500);
      expect((await errorBody(res)).code).toBe('misconfigured');
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('CORS_ORIGINS must list origins'));
    } finally {
      errors.mockRestore();
    }
  });

  it('exposes the request id to the configured origin only', async () => {
    const user = freshUser();
    const allowed = await call('/api/vps', { headers: { Origin: origin, Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    expect(allowed.headers.get('Access-Control-Expose-Headers')).toBe('X-Request-Id,Retry-After');

    const other = await call('/api/vps', { headers: { Origin: 'https://evil.example.test', Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(other.headers.get('Access-Control-Expose-Headers')).toBeNull();

    // A caller that is not a browser (no Origin) gets no CORS headers, only Vary: the answer varies by Origin.
    const server = await call('/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(server.status).toBe(200);
    expect(server.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(server.headers.get('Access-Control-Expose-Headers')).toBeNull();
    expect(server.headers.get('Vary')).toBe('Origin');
    for (const res of [allowed, other]) expect(res.headers.get('Vary')).toBe('Origin');
  });

  it('offers no CORS on the server-to-server sync endpoint', async () => {
    const res = await call('/api/vps/sync', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
