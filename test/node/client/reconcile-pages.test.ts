import { describe, expect, it } from 'vitest';
import { VpsSyncError, VpsSyncUnavailableError, VpsSyncValidationError, type ReconcileItem } from '../../../packages/client/index.js';
import { failed, type Step } from './fake-fetch.js';
import { clientWith } from './setup-client.js';

const item = (i: number, overrides: Partial<ReconcileItem> = {}): ReconcileItem =>
  ({ externalId: `order-${i}`, name: `web-${i}`, cpu: 2, ramGb: 2, diskGb: 50, os: 'Debian 12', hypervisor: 'kvm', ...overrides }) as ReconcileItem;
const list = (n: number) => Array.from({ length: n }, (_, i) => item(i));

/** A page's answer: `created` of its items, and on the final page `deleted`. */
const pageAnswer = (created: number, deleted = 0, skipped: { external_id: string; reason: string }[] = []): Step => ({
  status: 200,
  body: {
    status: 'success',
    message: 'ok',
    dry_run: false,
    counts: { created, updated: 0, deleted, unchanged: 0, skipped: skipped.length, untracked: 0 },
    skipped,
    page: { reconcile_id: 'x', number: 1, final: false, committed: false, expires_at: '2025-10-27T11:00:00.000Z' },
  },
});

interface SentPage {
  vps: { external_id: string }[];
  page?: { reconcile_id: string; number: number; final: boolean };
  version?: number;
  user_id: number;
}

describe('reconcile of more than 200 VPS', () => {
  it('sends a list of up to 200 as one request, without a page', async () => {
    const { client, calls } = clientWith([pageAnswer(200)]);
    const result = await client.reconcile({ userId: 5, vps: list(200) });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).not.toHaveProperty('page');
    expect(result.pages).toBeUndefined();
  });

  it('sends 450 as pages 1..3 of one run, in order, only the last final, and sums their answers', async () => {
    const { client, calls } = clientWith([pageAnswer(200), pageAnswer(200), pageAnswer(50, 7, [{ external_id: 'order-new', reason: 'newer_than_snapshot' }])]);
    const result = await client.reconcile({ userId: 5, vps: list(450), version: 1_000 });
    const sent = calls.map((c) => c.body as SentPage);
    expect(sent.map((b) => b.vps.length)).toEqual([200, 200, 50]);
    expect(sent.map((b) => [b.page?.number, b.page?.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(sent.map((b) => [b.user_id, b.version])).toEqual([
      [5, 1_000],
      [5, 1_000],
      [5, 1_000],
    ]);
    const runId = sent[0]!.page!.reconcile_id;
    expect(sent.every((b) => b.page?.reconcile_id === runId)).toBe(true);
    expect(sent[1]!.vps[0]!.external_id).toBe('order-200');
    expect(calls.map((c) => c.idempotencyKey)).toEqual([`${runId}:1`, `${runId}:2`, `${runId}:3`]);
    expect(result).toEqual({
      dryRun: false,
      counts: { created: 450, updated: 0, deleted: 7, unchanged: 0, skipped: 1, untracked: 0 },
      skipped: [{ externalId: 'order-new', reason: 'newer_than_snapshot' }],
      pages: 3,
    });
  });

  it('retries a page with the same body and Idempotency-Key, then goes on', async () => {
    const { client, calls, waits } = clientWith([pageAnswer(200), failed(503, 'database_unavailable', 'later', { 'Retry-After': '2' }), pageAnswer(1)]);
    const result = await client.reconcile({ userId: 5, vps: list(201) });
    expect(calls).toHaveLength(3);
    expect(calls[2]?.body).toEqual(calls[1]?.body);
    expect(calls[2]?.idempotencyKey).toBe(calls[1]?.idempotencyKey);
    expect(waits).toEqual([2000]);
    expect(result.counts.created).toBe(201);
  });

  it('stops at a page refused for good, never sending the final page (nothing is deleted)', async () => {
    const { client, calls } = clientWith([pageAnswer(200), failed(410, 'reconcile_expired', 'abandoned')]);
    const err = await client.reconcile({ userId: 5, vps: list(500) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VpsSyncError);
    expect(err).toMatchObject({ status: 410, code: 'reconcile_expired' });
    expect(calls).toHaveLength(2);
    expect(calls.some((c) => (c.body as SentPage).page?.final)).toBe(false);
  });

  it('gives up on a page after its attempts, never sending the final page', async () => {
    const { client, calls } = clientWith([pageAnswer(200), failed(503, 'database_unavailable', 'down')], { retry: { maxAttempts: 2 } });
    await expect(client.reconcile({ userId: 5, vps: list(300) })).rejects.toBeInstanceOf(VpsSyncUnavailableError);
    expect(calls.map((c) => (c.body as SentPage).page?.number)).toEqual([1, 2, 2]);
  });

  it('checks every page before sending any, naming fields by their place in the whole list', async () => {
    const { client, calls } = clientWith([pageAnswer(200)]);
    const items = list(400);
    items[305] = item(305, { cpu: 0 });
    items[250] = item(210); // a repeat within page 2
    items[399] = item(3); // a repeat of page 1's
    const err = await client.reconcile({ userId: 5, vps: items }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VpsSyncValidationError);
    expect((err as VpsSyncValidationError).errors).toEqual([
      { field: 'vps.305.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.250.external_id', message: '"order-210" is already listed as vps.210.external_id' },
      { field: 'vps.399.external_id', message: '"order-3" is already listed as vps.3.external_id' },
    ]);
    expect(calls).toHaveLength(0);
  });

  it('refuses a dry run of more than 200 locally', async () => {
    const { client, calls } = clientWith([pageAnswer(200)]);
    const err = await client.reconcile({ userId: 5, vps: list(201), dryRun: true }).catch((e: unknown) => e);
    expect((err as VpsSyncValidationError).errors).toEqual([{ field: 'dry_run', message: 'a paged reconcile cannot be a dry run' }]);
    expect(calls).toHaveLength(0);
  });

  it("resumes the same run when called again with the caller's Idempotency-Key", async () => {
    const first = clientWith([pageAnswer(200), failed(422, 'validation_failed', 'no')]);
    await expect(first.client.reconcile({ userId: 5, vps: list(250) }, { idempotencyKey: 'nightly-5-2025-10-27' })).rejects.toThrow();
    const again = clientWith([pageAnswer(200), pageAnswer(50)]);
    await again.client.reconcile({ userId: 5, vps: list(250) }, { idempotencyKey: 'nightly-5-2025-10-27' });
    expect(again.calls.map((c) => c.idempotencyKey)).toEqual(first.calls.map((c) => c.idempotencyKey));
    expect((again.calls[0]?.body as SentPage).page?.reconcile_id).toMatch(/^[0-9a-f]{64}$/);
  });
});
