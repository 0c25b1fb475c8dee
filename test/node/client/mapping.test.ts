import { describe, expect, it } from 'vitest';
import { VpsSyncError, type CreateVpsInput } from '../../../packages/client/index.js';
import { WIRE_VPS, synced } from './fake-fetch.js';
import { API_KEY, CREATE, clientWith } from './setup-client.js';

describe('requests in the main site names and units', () => {
  it('sends a create to /api/vps/sync with ramGb x 1024 as ram (MB) and the wire names', async () => {
    const { client, calls } = clientWith([synced()]);
    await client.createVps({ ...CREATE, status: 'creating', version: 1_730_000_000_000 });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('https://panel.example.test/api/vps/sync');
    expect(call?.init.method).toBe('POST');
    expect(call?.init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-API-Key': API_KEY });
    expect(call?.body).toEqual({
      action: 'create',
      vps: {
        user_id: 5,
        external_id: 'order-42',
        name: 'web-1',
        status: 'creating',
        cpu: 2,
        ram: 2048,
        disk: 50,
        os: 'Ubuntu 22.04 LTS',
        hypervisor: 'proxmox',
        version: 1_730_000_000_000,
      },
    });
  });

  it('sends ramMb as it is, and half a GB as 512 MB', async () => {
    const { client, calls } = clientWith([synced()]);
    const { ramGb: _, ...noRam } = CREATE;
    await client.createVps({ ...noRam, ramMb: 1536 });
    await client.createVps({ ...noRam, ramGb: 0.5 });
    expect(calls.map((c) => (c.body as { vps: { ram: number } }).vps.ram)).toEqual([1536, 512]);
  });

  it('keeps a path prefix of baseUrl', async () => {
    const { client, calls } = clientWith([synced()], { baseUrl: 'https://example.test/panel' });
    await client.createVps(CREATE);
    expect(calls[0]?.url).toBe('https://example.test/panel/api/vps/sync');
  });

  it('addresses updates and deletes by id or externalId, with an optional version', async () => {
    const { client, calls } = clientWith([synced(200)]);
    await client.updateStatus({ externalId: 'order-42' }, 'running', { version: 3 });
    await client.updateVps({ id: 7 }, { cpu: 4, ramGb: 4, diskGb: 80 });
    await client.deleteVps({ id: 7 });
    await client.deleteVps({ externalId: 'order-42' }, { version: 4 });
    expect(calls.map((c) => c.body)).toEqual([
      { action: 'update', vps: { external_id: 'order-42', status: 'running', version: 3 } },
      { action: 'update', vps: { id: 7, cpu: 4, disk: 80, ram: 4096 } },
      { action: 'delete', vps: { id: 7 } },
      { action: 'delete', vps: { external_id: 'order-42', version: 4 } },
    ]);
  });

  it('sends a reconcile with the whole list in wire names', async () => {
    const { client, calls } = clientWith([
      {
        status: 200,
        body: {
          status: 'success',
          message: 'Reconciled',
          dry_run: true,
          counts: { created: 1, updated: 0, deleted: 2, unchanged: 0, skipped: 1, untracked: 3 },
          skipped: [{ external_id: 'order-9', reason: 'deleted_in_panel' }],
        },
      },
    ]);
    const result = await client.reconcile({
      userId: 5,
      dryRun: true,
      version: 10,
      vps: [{ externalId: 'order-42', name: 'web-1', cpu: 2, ramGb: 2, diskGb: 50, os: 'Debian 12', hypervisor: 'kvm', version: 9 }],
    });
    expect(calls[0]?.body).toEqual({
      action: 'reconcile',
      user_id: 5,
      dry_run: true,
      version: 10,
      vps: [{ external_id: 'order-42', name: 'web-1', cpu: 2, ram: 2048, disk: 50, os: 'Debian 12', hypervisor: 'kvm', version: 9 }],
    });
    expect(result).toEqual({
      dryRun: true,
      counts: { created: 1, updated: 0, deleted: 2, unchanged: 0, skipped: 1, untracked: 3 },
      skipped: [{ externalId: 'order-9', reason: 'deleted_in_panel' }],
    });
  });
});

describe('results', () => {
  it('come back in camelCase, RAM in MB, with applied and outcome', async () => {
    const { client } = clientWith([synced(200, { ...WIRE_VPS, status: 'running', version: 3, future_field: 'x' }, 'stale')]);
    const result = await client.updateStatus({ id: 7 }, 'running');
    expect(result).toEqual({
      applied: false,
      outcome: 'stale',
      vps: {
        id: 7,
        userId: 5,
        externalId: 'order-42',
        name: 'web-1',
        status: 'running',
        cpu: 2,
        ramMb: 2048,
        diskGb: 50,
        os: 'Ubuntu 22.04 LTS',
        hypervisor: 'proxmox',
        version: 3,
        createdAt: '2025-10-27T10:00:00.000Z',
        updatedAt: '2025-10-27T10:00:00.000Z',
      },
    });
  });

  it('of a delete carry the VPS when the server gives it, null when it answers the reference only', async () => {
    const { client } = clientWith([
      { status: 200, body: { status: 'success', message: 'VPS synced successfully', applied: true, outcome: 'deleted', vps: { external_id: 'order-42' } } },
      { status: 200, body: { status: 'success', message: 'VPS already deleted', applied: false, outcome: 'already_deleted', vps: WIRE_VPS } },
    ]);
    expect(await client.deleteVps({ externalId: 'order-42' })).toEqual({ applied: true, outcome: 'deleted', vps: null });
    expect(await client.deleteVps({ externalId: 'order-42' })).toMatchObject({
      applied: false,
      outcome: 'already_deleted',
      vps: { id: 7, externalId: 'order-42' },
    });
  });

  it('refuse a 2xx without the documented shape, without retrying it (the write may have happened)', async () => {
    const { client, calls } = clientWith([{ status: 201, body: '<html>ok</html>' }, synced()]);
    const error = await client.createVps(CREATE as CreateVpsInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VpsSyncError);
    expect(error).toMatchObject({ status: 201, body: '<html>ok</html>', message: 'Unexpected answer to a sync call (HTTP 201)' });
    expect(calls).toHaveLength(1);
  });
});
