import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createVpsSyncClient, VpsSyncValidationError } from '../../client/index';
import { TEST_BINDINGS } from '../bindings';
import { BASE, freshUser, listAs } from './helpers';

/**
 * The main site's client runs in the Workers runtime as well as in Node (a main site on
 * Workers, or one Worker calling another): here it drives this Worker through its fetch handler.
 */
describe('the sync client inside workerd', () => {
  const client = createVpsSyncClient({
    baseUrl: BASE,
    apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY,
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });

  it('creates, updates and deletes a VPS, converting the main site units', async () => {
    const user = freshUser();
    const externalId = `workerd-${user}`;
    const created = await client.createVps({ userId: user, externalId, name: 'from-workerd', cpu: 2, ramGb: 4, diskGb: 40, os: 'Debian 12', hypervisor: 'kvm' });
    expect(created).toMatchObject({ applied: true, outcome: 'created', vps: { userId: user, externalId, ramMb: 4096, diskGb: 40 } });

    expect(await client.updateStatus({ externalId }, 'running')).toMatchObject({ outcome: 'updated', vps: { status: 'running' } });
    expect((await (await listAs(user)).json<{ vps: { status: string }[] }>()).vps.map((v) => v.status)).toEqual(['running']);

    expect(await client.deleteVps({ externalId })).toMatchObject({ applied: true, outcome: 'deleted' });
    expect((await (await listAs(user)).json<{ vps: unknown[] }>()).vps).toEqual([]);
  });

  it('refuses a bad input locally with the Worker wording', async () => {
    const err = await client.createVps({ userId: 5, name: '', cpu: 2, ramGb: 1, diskGb: 1, os: 'x', hypervisor: 'kvm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VpsSyncValidationError);
    expect((err as VpsSyncValidationError).errors).toEqual([{ field: 'vps.name', message: 'must not be empty' }]);
  });
});
