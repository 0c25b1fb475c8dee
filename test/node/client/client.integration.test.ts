import { describe, expect, inject, it } from 'vitest';
import {
  VpsSyncAuthError,
  VpsSyncConflictError,
  VpsSyncIdempotencyError,
  VpsSyncNotFoundError,
  VpsSyncValidationError,
  createVpsSyncClient,
  type CreateVpsInput,
  type FetchLike,
  type RetryEvent,
} from '../../../packages/client/index.js';
import { TEST_BINDINGS } from '../../bindings.js';
import { listVps } from '../panel.js';

/** The client against the real Worker (wrangler's local runtime and D1, shared: test/node/global-setup.ts), end to end. */
const workerUrl = inject('workerUrl');

const panel = (options: { apiKey?: string; validate?: boolean; fetch?: FetchLike; onRetry?: (e: RetryEvent) => void } = {}) =>
  createVpsSyncClient({
    baseUrl: workerUrl,
    apiKey: TEST_BINDINGS.VPS_SYNC_API_KEY,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });

const order = (userId: number, externalId: string) =>
  ({
    userId,
    externalId,
    name: `vps-${externalId}`,
    cpu: 2,
    ramGb: 2,
    diskGb: 50,
    os: 'Ubuntu 22.04 LTS',
    hypervisor: 'proxmox',
  }) satisfies CreateVpsInput;

describe('sync client against the Worker', () => {
  it('creates (GB converted to MB), sets the status, and deletes: as the panel then lists it', async () => {
    const client = panel();
    const created = await client.createVps(order(101, 'order-1'));
    expect(created).toMatchObject({ applied: true, outcome: 'created' });
    expect(created.vps).toMatchObject({ userId: 101, externalId: 'order-1', status: 'creating', ramMb: 2048, diskGb: 50 });
    expect(await listVps(workerUrl, 101)).toMatchObject([{ id: created.vps.id, ram: 2048, status: 'creating' }]);

    const running = await client.updateStatus({ externalId: 'order-1' }, 'running');
    expect(running).toMatchObject({ applied: true, outcome: 'updated', vps: { id: created.vps.id, status: 'running' } });
    expect(await listVps(workerUrl, 101)).toMatchObject([{ id: created.vps.id, status: 'running' }]);

    const deleted = await client.deleteVps({ id: created.vps.id });
    expect(deleted).toMatchObject({ applied: true, outcome: 'deleted' });
    expect(await listVps(workerUrl, 101)).toEqual([]);
    expect(await client.deleteVps({ id: created.vps.id })).toMatchObject({ applied: false, outcome: 'already_deleted' });
  });

  it('answers a repeated create with the same externalId as not applied, and a different one as a conflict', async () => {
    const client = panel();
    const first = await client.createVps(order(102, 'order-2'));
    const again = await client.createVps(order(102, 'order-2'));
    expect(again).toEqual({ applied: false, outcome: 'replayed', vps: first.vps });
    await expect(client.createVps({ ...order(102, 'order-2'), cpu: 4 })).rejects.toBeInstanceOf(VpsSyncConflictError);
    expect(await listVps(workerUrl, 102)).toHaveLength(1);
  });

  it('applies a create once when its answer is lost and the retry reuses the Idempotency-Key', async () => {
    let attempts = 0;
    const losesFirstAnswer: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (++attempts === 1) throw new TypeError('fetch failed: connection reset'); // applied, answer lost
      return response;
    };
    const retries: RetryEvent[] = [];
    const { externalId: _, ...noExternalId } = order(103, 'unused');
    const result = await panel({ fetch: losesFirstAnswer, onRetry: (e) => retries.push(e) }).createVps(noExternalId);
    expect(attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(result.applied).toBe(true);
    expect(await listVps(workerUrl, 103)).toMatchObject([{ id: result.vps.id }]);
  });

  it("refuses the same Idempotency-Key with another body (422)", async () => {
    const client = panel();
    await client.createVps(order(104, 'order-4'), { idempotencyKey: 'key-104' });
    const error = await client.createVps(order(104, 'order-5'), { idempotencyKey: 'key-104' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VpsSyncIdempotencyError);
    expect(error).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it("surfaces the server's 400 field list, the same as the local check gives", async () => {
    const bad = { ...order(105, 'order-6'), cpu: 0, name: ' ', ramGb: 5000 };
    const server = (await panel({ validate: false }).createVps(bad).catch((e: unknown) => e)) as VpsSyncValidationError;
    const local = (await panel().createVps(bad).catch((e: unknown) => e)) as VpsSyncValidationError;
    expect(server).toBeInstanceOf(VpsSyncValidationError);
    expect(server).toMatchObject({ local: false, status: 400, message: 'Validation failed' });
    expect(server.requestId).toMatch(/\S/);
    expect(server.errors).toEqual([
      { field: 'vps.name', message: 'must not be empty' },
      { field: 'vps.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.ram', message: 'must be an integer between 1 and 4194304' },
    ]);
    expect(local.local).toBe(true);
    expect(local.errors).toEqual(server.errors);
  });

  it('reports an unknown VPS as not found', async () => {
    const error = await panel().updateStatus({ externalId: 'never-created' }, 'stopped').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VpsSyncNotFoundError);
    expect(error).toMatchObject({ status: 404, body: { errors: [{ field: 'vps.external_id', message: 'no such VPS' }] } });
  });

  it('fails a wrong API key with VpsSyncAuthError at once, without retries', async () => {
    let attempts = 0;
    const counting: FetchLike = (url, init) => (attempts++, fetch(url, init));
    const retries: RetryEvent[] = [];
    const client = panel({ apiKey: 'not-the-key-0123456789abcdef0123456789', fetch: counting, onRetry: (e) => retries.push(e) });
    const error = await client.createVps(order(106, 'order-7')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VpsSyncAuthError);
    expect(error).toMatchObject({ status: 401, message: 'Invalid API key' });
    expect(attempts).toBe(1);
    expect(retries).toEqual([]);
    expect(await listVps(workerUrl, 106)).toEqual([]);
  });

  it("reconciles a user's VPS to the main site's list (dry run first)", async () => {
    const client = panel();
    await client.createVps(order(107, 'keep'));
    await client.createVps(order(107, 'drop'));
    const items = [
      { ...order(107, 'keep'), externalId: 'keep', cpu: 4 },
      { ...order(107, 'new'), externalId: 'new' },
    ].map(({ userId: _, ...item }) => item);

    const dry = await client.reconcile({ userId: 107, vps: items, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, counts: { created: 1, updated: 1, deleted: 1, unchanged: 0, skipped: 0 } });
    expect((await listVps(workerUrl, 107)).map((v) => v.external_id).sort()).toEqual(['drop', 'keep']);

    const done = await client.reconcile({ userId: 107, vps: items });
    expect(done).toEqual({ dryRun: false, counts: dry.counts, skipped: [] });
    const listed = await listVps(workerUrl, 107);
    expect(listed.map((v) => [v.external_id, v.cpu]).sort()).toEqual([
      ['keep', 4],
      ['new', 2],
    ]);
  });

  it('reconciles a list longer than one request in pages, deleting only with the last page', async () => {
    const client = panel();
    await client.createVps(order(108, 'paged-old'));
    const items = Array.from({ length: 250 }, (_, i) => order(108, `paged-${i}`)).map(({ userId: _, ...item }) => item);

    const done = await client.reconcile({ userId: 108, vps: items, version: 1_000 });
    expect(done).toEqual({ dryRun: false, counts: { created: 250, updated: 0, deleted: 1, unchanged: 0, skipped: 0, untracked: 0 }, skipped: [], pages: 2 });
    const again = await client.reconcile({ userId: 108, vps: items, version: 2_000 });
    expect(again.counts).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 250, skipped: 0, untracked: 0 });
    expect(await listVps(workerUrl, 108)).toHaveLength(100);
  });
});
