import { describe, expect, it } from 'vitest';
import { VpsSyncError, VpsSyncNotFoundError, VpsSyncValidationError, type VpsRecord } from '../../../packages/client/index.js';
import { TEST_SIGNING_SECRET } from '../../bindings.js';
import { sign } from '../../signing.js';
import { failed, WIRE_VPS, type Step } from './fake-fetch.js';
import { API_KEY, clientWith, NOW } from './setup-client.js';

/** The main site's reads on a fake fetch: what goes out, what comes back, what is refused locally. */
const BASE = 'https://panel.example.test/api/vps/sync';
const TOMBSTONE = { ...WIRE_VPS, id: 8, external_id: 'order-43', deleted: true, deleted_at: '2025-10-28T09:00:00.000Z', updated_at: '2025-10-28T09:00:00.000Z' };
const LIVE = { ...WIRE_VPS, deleted: false, deleted_at: null };

const one = (vps: object): Step => ({ status: 200, body: { status: 'success', vps } });
const page = (vps: object[], next_cursor: string | null): Step => ({ status: 200, body: { status: 'success', vps, next_cursor } });

const record = (wire: typeof LIVE | typeof TOMBSTONE): VpsRecord => ({
  id: wire.id,
  userId: wire.user_id,
  externalId: wire.external_id,
  name: wire.name,
  status: wire.status,
  cpu: wire.cpu,
  ramMb: wire.ram,
  diskGb: wire.disk,
  os: wire.os,
  hypervisor: wire.hypervisor,
  version: wire.version,
  createdAt: wire.created_at,
  updatedAt: wire.updated_at,
  deleted: wire.deleted,
  deletedAt: wire.deleted_at,
});

describe('client.getVps', () => {
  it('GETs the VPS by id with the API key, no body and no Idempotency-Key, and maps a tombstone', async () => {
    const { client, calls } = clientWith([one(TOMBSTONE)]);
    expect(await client.getVps({ id: 8 })).toEqual(record(TOMBSTONE));
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [(typeof calls)[0]];
    expect(url).toBe(`${BASE}/vps/8`);
    expect(init.method).toBe('GET');
    expect(init.body).toBeUndefined();
    expect(init.headers).toEqual({ Accept: 'application/json', 'X-API-Key': API_KEY });
  });

  it('GETs by externalId as a percent-encoded query', async () => {
    const { client, calls } = clientWith([one(LIVE)]);
    expect(await client.getVps({ externalId: 'a+b/c?d#e&f' })).toEqual(record(LIVE));
    expect(calls[0]!.url).toBe(`${BASE}/vps?external_id=a%2Bb%2Fc%3Fd%23e%26f`);
  });

  it('answers null for a VPS the panel never had, and throws for any other 404 (a wrong baseUrl, an older panel)', async () => {
    const missing = failed(404, 'not_found', 'VPS 9 not found', {}, [{ field: 'id', message: 'no such VPS' }]);
    expect(await clientWith([missing]).client.getVps({ id: 9 })).toBeNull();
    const noRoute = failed(404, 'not_found', 'No route for GET /api/vps/sync/vps/9');
    await expect(clientWith([noRoute]).client.getVps({ id: 9 })).rejects.toBeInstanceOf(VpsSyncNotFoundError);
  });

  it('retries a 503 after Retry-After, as the writes do', async () => {
    const { client, calls, waits, retries } = clientWith([failed(503, 'database_unavailable', 'down', { 'Retry-After': '2' }), one(LIVE)]);
    expect(await client.getVps({ id: 7 })).toEqual(record(LIVE));
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([2000]);
    expect(retries[0]).toMatchObject({ attempt: 1, idempotencyKey: undefined });
  });

  it('signs a read over the empty body when a signing secret is set', async () => {
    const { client, calls } = clientWith([one(LIVE)], { signingSecret: TEST_SIGNING_SECRET });
    await client.getVps({ id: 7 });
    const { headers } = calls[0]!.init;
    expect(headers['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(headers['webhook-signature']).toBe(`v1,${await sign(TEST_SIGNING_SECRET, headers['webhook-id']!, NOW / 1000, '')}`);
  });

  it('refuses a bad reference locally, with the Worker wording, before sending', async () => {
    const { client, calls } = clientWith([one(LIVE)]);
    const cases: [unknown, { field: string; message: string }[]][] = [
      [{ id: 0 }, [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
      [{ id: 1.5 }, [{ field: 'id', message: 'must be an integer between 1 and 4294967295' }]],
      [{ id: '7' }, [{ field: 'id', message: 'must be an integer' }]],
      [{ externalId: 'has space' }, [{ field: 'external_id', message: 'must be visible ASCII characters only' }]],
      [{}, [{ field: 'id', message: 'give either id or external_id (exactly one)' }]],
      [{ id: 7, externalId: 'x' }, [{ field: 'id', message: 'give either id or external_id (exactly one)' }]],
    ];
    for (const [ref, errors] of cases) {
      const err = await client.getVps(ref as never).catch((e: unknown) => e);
      expect(err, JSON.stringify(ref)).toBeInstanceOf(VpsSyncValidationError);
      expect((err as VpsSyncValidationError).errors, JSON.stringify(ref)).toEqual(errors);
      expect((err as VpsSyncValidationError).local).toBe(true);
    }
    expect(calls).toHaveLength(0);
  });

  it('throws on a 2xx that is not the documented answer', async () => {
    await expect(clientWith([one({ id: 7 })]).client.getVps({ id: 7 })).rejects.toBeInstanceOf(VpsSyncError);
  });
});

describe('client.listUserVps and client.userVps', () => {
  it('asks for one page with the given limit, cursor and includeDeleted', async () => {
    const { client, calls } = clientWith([page([LIVE, TOMBSTONE], 'djEuOA')]);
    const result = await client.listUserVps(5, { limit: 2, cursor: 'djEuMTA', includeDeleted: true });
    expect(result).toEqual({ vps: [record(LIVE), record(TOMBSTONE)], nextCursor: 'djEuOA' });
    expect(calls[0]!.url).toBe(`${BASE}/users/5/vps?limit=2&cursor=djEuMTA&include_deleted=true`);
    expect(calls[0]!.init.method).toBe('GET');
  });

  it('iterates every page, following next_cursor until it is null', async () => {
    const second = { ...LIVE, id: 6 };
    const { client, calls } = clientWith([page([LIVE, TOMBSTONE], 'djEuOA'), page([second], null)]);
    const seen: number[] = [];
    for await (const vps of client.userVps(5, { limit: 2, includeDeleted: false })) seen.push(vps.id);
    expect(seen).toEqual([7, 8, 6]);
    expect(calls.map((c) => c.url)).toEqual([`${BASE}/users/5/vps?limit=2&include_deleted=false`, `${BASE}/users/5/vps?limit=2&cursor=djEuOA&include_deleted=false`]);
  });

  it('stops with an error when the panel hands back a cursor it gave before', async () => {
    const { client } = clientWith([page([LIVE], 'djEuOA')]);
    const iterate = async () => {
      for await (const _ of client.userVps(5)) void _;
    };
    await expect(iterate()).rejects.toThrow('The panel answered the same next_cursor twice: djEuOA');
  });

  it('refuses bad paging options locally', async () => {
    const { client, calls } = clientWith([page([], null)]);
    const err = await client.listUserVps(0, { limit: 101, cursor: 'no way' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VpsSyncValidationError);
    expect((err as VpsSyncValidationError).errors).toEqual([
      { field: 'user_id', message: 'must be an integer between 1 and 4294967295' },
      { field: 'limit', message: 'must be an integer between 1 and 100' },
      { field: 'cursor', message: 'is not a cursor from a previous page' },
    ]);
    expect(calls).toHaveLength(0);
  });
});
