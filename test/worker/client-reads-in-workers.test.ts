import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createVpsSyncClient, VpsSyncAuthError } from '../../packages/client/index.js';
import worker from '../../src/index.js';
import { TEST_BINDINGS, TEST_SIGNING_SECRET } from '../bindings.js';
import { BASE, freshUser } from './helpers.js';

/** The client's reads (getVps, listUserVps, userVps) in the Workers runtime, through this Worker's fetch handler. */
describe("the client's reads inside workerd", () => {
  const client = createVpsSyncClient({
    baseUrl: BASE,
    apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY,
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });

  it('reads a VPS and pages through a user, tombstones included', async () => {
    const user = freshUser();
    const externalId = `workerd-read-${user}`;
    const { vps } = await client.createVps({ userId: user, externalId, name: 'read-me', cpu: 1, ramGb: 1, diskGb: 10, os: 'Debian 12', hypervisor: 'kvm' });
    const second = (await client.createVps({ userId: user, name: 'second', cpu: 1, ramGb: 1, diskGb: 10, os: 'Debian 12', hypervisor: 'kvm' })).vps;
    await client.deleteVps({ externalId });

    expect(await client.getVps({ externalId })).toMatchObject({ id: vps.id, deleted: true, deletedAt: expect.any(String) });
    expect(await client.getVps({ id: second.id })).toEqual({ ...second, deleted: false, deletedAt: null });
    expect(await client.getVps({ id: 4_294_967_295 })).toBeNull();

    const seen: [number, boolean][] = [];
    for await (const record of client.userVps(user, { limit: 1 })) seen.push([record.id, record.deleted]);
    expect(seen).toEqual([
      [second.id, false],
      [vps.id, true],
    ]);
  });

  it('signs its reads for a Worker that requires signatures', async () => {
    const requiring = { ...env, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET, VPS_SYNC_REQUIRE_SIGNATURE: 'true' };
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const make = (signingSecret?: string) =>
      createVpsSyncClient({
        baseUrl: BASE,
        apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY,
        signingSecret,
        retry: { maxAttempts: 1 },
        fetch: async (url, init) => worker.fetch(new Request(url, init), requiring, ctx),
      });
    const user = freshUser();
    expect(await make(TEST_SIGNING_SECRET).listUserVps(user)).toEqual({ vps: [], nextCursor: null });
    await expect(make().listUserVps(user)).rejects.toMatchObject({ status: 401, code: 'signature_missing' });
    await expect(make().getVps({ id: 1 })).rejects.toBeInstanceOf(VpsSyncAuthError);
  });
});
