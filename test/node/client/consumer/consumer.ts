// Compiled by pack.test.ts only, against the installed tarball. If the declarations did not resolve,
// everything would be `any` and each @ts-expect-error below would itself be an error.
import { createVpsSyncClient, VpsSyncValidationError, type SyncResult, type Vps } from '@vps-sync/client';

const client = createVpsSyncClient({ baseUrl: 'http://127.0.0.1:5050', apiKey: 'k' });

export async function provision(): Promise<Vps> {
  const created: SyncResult = await client.createVps({
    userId: 5,
    externalId: 'order-42',
    name: 'web-1',
    cpu: 2,
    ramGb: 2,
    diskGb: 50,
    os: 'Ubuntu 22.04 LTS',
    hypervisor: 'proxmox',
  });
  const ramMb: number = created.vps.ramMb;
  void ramMb;
  return (await client.updateStatus({ id: created.vps.id }, 'running')).vps;
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error -- RAM in one unit only
  await client.createVps({ userId: 5, name: 'a', cpu: 1, ramGb: 1, ramMb: 1024, diskGb: 1, os: 'x', hypervisor: 'kvm' });
  // @ts-expect-error -- not a VPS status
  await client.updateStatus({ id: 1 }, 'booting');
  // @ts-expect-error -- a reference is an id or an externalId, not both
  await client.deleteVps({ id: 1, externalId: 'order-42' });
}

export const isLocal = (err: unknown): boolean => err instanceof VpsSyncValidationError && err.local;
