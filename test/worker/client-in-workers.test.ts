import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createVpsSyncClient, VpsSyncAuthError, VpsSyncValidationError } from '../../packages/client/index.js';
import worker from '../../src/index.js';
import { TEST_BINDINGS, TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../bindings.js';
import { BASE, freshUser, listAs } from './helpers.js';

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

describe('the signing client inside workerd, against a Worker that requires signatures', () => {
  const requiring = { ...env, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET, VPS_SYNC_REQUIRE_SIGNATURE: 'true' };
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const clientSigning = (signingSecret?: string | string[]) =>
    createVpsSyncClient({
      baseUrl: BASE,
      apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY,
      signingSecret,
      retry: { maxAttempts: 1 },
      fetch: async (url, init) => worker.fetch(new Request(url, init), requiring, ctx),
    });

  it('is accepted with the secret, also next to an old one during a rotation', async () => {
    const user = freshUser();
    const created = await clientSigning(TEST_SIGNING_SECRET).createVps({ userId: user, name: 'signed', cpu: 1, ramGb: 1, diskGb: 10, os: 'Debian 12', hypervisor: 'kvm' });
    expect(created).toMatchObject({ applied: true, outcome: 'created', vps: { userId: user } });
    const rotating = clientSigning([TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET]);
    expect(await rotating.updateStatus({ id: created.vps.id }, 'running')).toMatchObject({ outcome: 'updated' });
  });

  it('is refused without it or with another, as an auth error with the signature code', async () => {
    const input = { userId: freshUser(), name: 'unsigned', cpu: 1, ramGb: 1, diskGb: 10, os: 'Debian 12', hypervisor: 'kvm' } as const;
    await expect(clientSigning().createVps(input)).rejects.toMatchObject({ name: 'VpsSyncAuthError', code: 'signature_missing' });
    const wrong = await clientSigning(TEST_WRONG_SIGNING_SECRET).createVps(input).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(VpsSyncAuthError);
    expect(wrong).toMatchObject({ status: 401, code: 'signature_invalid' });
  });
});
