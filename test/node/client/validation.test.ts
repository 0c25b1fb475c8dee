import { describe, expect, it } from 'vitest';
import {
  VpsSyncValidationError,
  createVpsSyncClient,
  type CreateVpsInput,
  type VpsChanges,
  type VpsRef,
} from '../../../packages/client/index.js';
import { failed, synced } from './fake-fetch.js';
import { CREATE, clientWith } from './setup-client.js';

/** The validation error a call fails with, and that it sent nothing. */
async function refusedLocally(call: (client: ReturnType<typeof clientWith>['client']) => Promise<unknown>) {
  const { client, calls } = clientWith([synced()]);
  const error = await call(client).catch((e: unknown) => e);
  expect(calls).toHaveLength(0);
  expect(error).toBeInstanceOf(VpsSyncValidationError);
  const validation = error as VpsSyncValidationError;
  expect(validation.local).toBe(true);
  expect(validation.status).toBeUndefined();
  return validation.errors;
}

describe('local validation, with the Worker schemas, before anything is sent', () => {
  it('names every offending field as the server would', async () => {
    const errors = await refusedLocally((c) =>
      c.createVps({ ...CREATE, cpu: 0, name: '  ', hypervisor: 'virtualbox' } as unknown as CreateVpsInput),
    );
    expect(errors).toEqual([
      { field: 'vps.name', message: 'must not be empty' },
      { field: 'vps.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.hypervisor', message: 'must be one of: proxmox, vmware, hyperv, kvm, xen' },
    ]);
  });

  it('checks converted values: RAM past the bound, or GB that are not a whole number of MB', async () => {
    expect(await refusedLocally((c) => c.createVps({ ...CREATE, ramGb: 4097 }))).toEqual([
      { field: 'vps.ram', message: 'must be an integer between 1 and 4194304' },
    ]);
    expect(await refusedLocally((c) => c.createVps({ ...CREATE, ramGb: 0.3 }))).toEqual([
      { field: 'vps.ram', message: 'must be an integer' },
    ]);
  });

  it('words a missing hypervisor "is required", as the Worker does', async () => {
    const { hypervisor: _, ...noHypervisor } = CREATE;
    expect(await refusedLocally((c) => c.createVps(noHypervisor as unknown as CreateVpsInput))).toEqual([
      { field: 'vps.hypervisor', message: 'is required' },
    ]);
  });

  it('wants RAM in exactly one unit', async () => {
    const both = { ...CREATE, ramMb: 2048 } as unknown as CreateVpsInput;
    expect(await refusedLocally((c) => c.createVps(both))).toEqual([{ field: 'vps.ram', message: 'give ramGb or ramMb, not both' }]);
    const { ramGb: _, ...neither } = CREATE;
    expect(await refusedLocally((c) => c.createVps(neither as unknown as CreateVpsInput))).toEqual([
      { field: 'vps.ram', message: 'is required' },
    ]);
  });

  it('refuses names it does not know rather than dropping them (ram is not in GB or MB)', async () => {
    const { ramGb: _, ...noRam } = CREATE;
    const misspelt = { ...noRam, ram: 2 } as unknown as CreateVpsInput;
    expect(await refusedLocally((c) => c.createVps(misspelt))).toEqual([{ field: 'vps.ram', message: 'is not a known field' }]);
  });

  it('refuses an update without changes, a bad status and a malformed externalId', async () => {
    expect(await refusedLocally((c) => c.updateVps({ id: 7 }, {}))).toEqual([
      { field: 'vps', message: expect.stringMatching(/^must change at least one of: name, status/) },
    ]);
    expect(await refusedLocally((c) => c.updateStatus({ id: 7 }, 'booting' as 'running'))).toEqual([
      { field: 'vps.status', message: 'must be one of: creating, running, stopped, suspended' },
    ]);
    expect(await refusedLocally((c) => c.deleteVps({ externalId: 'has space' }))).toEqual([
      { field: 'vps.external_id', message: 'must be visible ASCII characters only' },
    ]);
  });

  it('wants exactly one of id and externalId', async () => {
    const both = { id: 7, externalId: 'order-42' } as unknown as VpsRef;
    const errors = await refusedLocally((c) => c.updateVps(both, { status: 'running' } as VpsChanges));
    expect(errors).toEqual([{ field: 'vps.id', message: expect.stringMatching(/exactly one/) }]);
  });
});

describe("the server's refusals", () => {
  it('surface as VpsSyncValidationError with the server field list when local checks are off', async () => {
    const serverErrors = [{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }];
    const { client, calls } = clientWith([failed(400, 'validation_failed', 'Validation failed', {}, serverErrors)], { validate: false });
    const error = (await client.createVps({ ...CREATE, cpu: 0 }).catch((e: unknown) => e)) as VpsSyncValidationError;
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toMatchObject({ vps: { cpu: 0 } });
    expect(error).toBeInstanceOf(VpsSyncValidationError);
    expect(error).toMatchObject({ local: false, status: 400, message: 'Validation failed', errors: serverErrors, requestId: 'req-400' });
  });
});

describe('options', () => {
  it('are checked when the client is made', () => {
    const ok = { baseUrl: 'https://panel.example.test', apiKey: 'k' };
    expect(() => createVpsSyncClient({ ...ok, baseUrl: 'panel.example.test' })).toThrow('baseUrl');
    expect(() => createVpsSyncClient({ ...ok, baseUrl: 'ftp://panel.example.test' })).toThrow('http(s)');
    expect(() => createVpsSyncClient({ ...ok, apiKey: '' })).toThrow('apiKey');
    expect(() => createVpsSyncClient({ ...ok, retry: { maxAttempts: 0 } })).toThrow('maxAttempts');
    expect(() => createVpsSyncClient({ ...ok, timeoutMs: 0 })).toThrow('timeoutMs');
    expect(createVpsSyncClient(ok)).toHaveProperty('createVps');
  });
});
