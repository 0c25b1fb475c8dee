import { describe, expect, inject, it } from 'vitest';
import { createVpsSyncClient, VpsSyncAuthError, type CreateVpsInput, type VpsRecord } from '../../../packages/client/index.js';
import { TEST_BINDINGS } from '../../bindings.js';

/** The main site's reads through the client, against the shared local Worker (test/node/global-setup.ts). */
const workerUrl = inject('workerUrl');
const client = createVpsSyncClient({ baseUrl: workerUrl, apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY, retry: { baseDelayMs: 10, maxDelayMs: 50 } });

// Users and external ids of their own: the local Worker's database is shared with other suites.
const user = 700_000_000 + Math.floor(Math.random() * 1_000_000);
const run = `reads-${Date.now()}`;
const order = (n: number): CreateVpsInput => ({
  userId: user,
  externalId: `${run}-${n}`,
  name: `drift-${n}`,
  cpu: 1,
  ramGb: 1,
  diskGb: 20,
  os: 'Debian 12',
  hypervisor: 'kvm',
});

describe('the client reads what the panel holds', () => {
  it('reads a VPS by id and externalId, live and then deleted, and null for one that never existed', async () => {
    const { vps } = await client.createVps(order(0));
    expect(await client.getVps({ id: vps.id })).toEqual({ ...vps, deleted: false, deletedAt: null });
    await client.deleteVps({ externalId: vps.externalId! });
    const tombstone = await client.getVps({ externalId: vps.externalId! });
    expect(tombstone).toMatchObject({ id: vps.id, deleted: true, deletedAt: expect.any(String) });
    expect(tombstone!.updatedAt).toBe(tombstone!.deletedAt);
    expect(await client.getVps({ externalId: `${run}-never` })).toBeNull();
  });

  it("iterates all of a user's VPS across pages, deleted ones marked, each once", async () => {
    const made = [];
    for (let n = 1; n <= 5; n++) made.push((await client.createVps(order(n))).vps);
    await client.deleteVps({ id: made[2]!.id });
    const seen: VpsRecord[] = [];
    for await (const vps of client.userVps(user, { limit: 2 })) seen.push(vps);
    const ids = seen.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 5)).toEqual(made.map((v) => v.id).reverse());
    expect(seen.filter((v) => v.deleted).map((v) => v.id)).toContain(made[2]!.id);

    const live: number[] = [];
    for await (const vps of client.userVps(user, { limit: 2, includeDeleted: false })) live.push(vps.id);
    expect(live).toEqual(ids.filter((id) => !seen.find((v) => v.id === id)!.deleted));
  });

  it('fails with the auth error for a wrong key', async () => {
    const wrong = createVpsSyncClient({ baseUrl: workerUrl, apiKey: 'x'.repeat(40) });
    await expect(wrong.getVps({ id: 1 })).rejects.toBeInstanceOf(VpsSyncAuthError);
    await expect(wrong.listUserVps(user)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
