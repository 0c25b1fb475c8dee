import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_BINDINGS, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../../bindings.js';
import { startLocalWorker, type LocalWorker } from '../local-worker.js';
import { listVps, panelToken } from '../panel.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';
import { runCommand } from './processes.js';

/** examples/curl/vps-sync.sh against a local Worker that requires signed requests, through a proxy that can fail on demand. */
/** Its own Worker: it requires signatures, which the shared one (test/node/global-setup.ts) does not. */
let worker: LocalWorker;
let proxy: FlakyProxy;

beforeAll(async () => {
  // Signatures required: every sync request the example sends must be signed to pass.
  worker = await startLocalWorker({ ...TEST_BINDINGS, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET, VPS_SYNC_REQUIRE_SIGNATURE: 'true' });
  proxy = await startFlakyProxy(worker.url);
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await worker?.stop();
});
beforeEach(() => {
  proxy.requests.length = 0;
});

const script = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCommand('bash', ['examples/curl/vps-sync.sh', ...args], {
    PATH: process.env.PATH,
    VPS_SYNC_URL: proxy.url,
    VPS_SYNC_API_KEY: TEST_BINDINGS.VPS_SYNC_API_KEY,
    VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET,
    ...env,
  });

describe('examples/curl/vps-sync.sh', () => {
  it('creates, changes the status, lists and deletes', async () => {
    const created = await script(['create', '501', 'curl "quoted" vps', '2', '2', '50', 'Ubuntu 22.04 LTS', 'proxmox']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { vps } = JSON.parse(created.stdout) as { vps: { id: number } };
    expect(await listVps(worker.url, 501)).toMatchObject([
      { id: vps.id, name: 'curl "quoted" vps', cpu: 2, ram: 2048, disk: 50, os: 'Ubuntu 22.04 LTS', status: 'creating' },
    ]);

    const running = await script(['status', String(vps.id), 'running']);
    expect(running.code).toBe(0);
    expect(JSON.parse(running.stdout)).toMatchObject({ status: 'success', vps: { id: vps.id, status: 'running' } });
    expect(await listVps(worker.url, 501)).toMatchObject([{ id: vps.id, status: 'running' }]);

    const listed = await script(['list'], { VPS_PANEL_TOKEN: await panelToken(501) });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ status: 'success', vps: [{ id: vps.id, status: 'running' }] });

    const deleted = await script(['delete', String(vps.id)]);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ status: 'success', applied: true });
    expect(await listVps(worker.url, 501)).toEqual([]);
  });

  it('exits non-zero on an HTTP error, printing the error answer, without retrying it', async () => {
    const invalid = await script(['create', '502', 'x', '0', '1', '1', 'x', 'kvm']);
    expect(invalid.code).toBe(22);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ errors: [{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }] });
    const missing = await script(['status', '999999', 'running']);
    expect(missing.code).toBe(22);
    expect(JSON.parse(missing.stdout)).toMatchObject({ message: 'VPS 999999 not found' });
    expect(proxy.requests).toHaveLength(2);
    expect(await listVps(worker.url, 502)).toEqual([]);
  });

  it('retries a 503 after its Retry-After with the same Idempotency-Key, and creates once', async () => {
    proxy.failNext({ status: 503, headers: { 'Retry-After': '1' } });
    const created = await script(['create', '503', 'retried', '1', '1', '10', 'Debian 12', 'kvm']);
    expect(created.code).toBe(0);
    expect(proxy.requests).toHaveLength(2);
    expect(proxy.requests[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(proxy.requests[1]?.idempotencyKey).toBe(proxy.requests[0]?.idempotencyKey);
    // Every attempt is signed anew (a new webhook-id); the Idempotency-Key is what stays the same.
    expect(proxy.requests[0]?.webhookId).toMatch(/^msg_[0-9a-f-]{32,36}$/);
    expect(proxy.requests[1]?.webhookId).toMatch(/^msg_[0-9a-f-]{32,36}$/);
    expect(proxy.requests[1]?.webhookId).not.toBe(proxy.requests[0]?.webhookId);
    expect(await listVps(worker.url, 503)).toHaveLength(1);
  });

  it('refuses to run without its settings or with bad arguments', async () => {
    const noKey = await script(['delete', '1'], { VPS_SYNC_API_KEY: undefined });
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toContain('VPS_SYNC_API_KEY is not set');
    const noToken = await script(['list']);
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toContain('VPS_PANEL_TOKEN');
    expect(await script(['create', '5', 'a', 'two', '1', '1', 'x', 'kvm'])).toMatchObject({ code: 2 });
    expect(proxy.requests).toEqual([]);
  });

  it('signs with openssl: refused unsigned or with another secret, when the Worker requires signatures', async () => {
    const unsigned = await script(['create', '504', 'unsigned', '1', '1', '10', 'Debian 12', 'kvm'], { VPS_SYNC_SIGNING_SECRET: undefined });
    expect(unsigned.code).toBe(22);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ code: 'signature_missing' });
    const wrong = await script(['create', '504', 'wrong', '1', '1', '10', 'Debian 12', 'kvm'], { VPS_SYNC_SIGNING_SECRET: TEST_WRONG_SIGNING_SECRET });
    expect(wrong.code).toBe(22);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ code: 'signature_invalid' });
    expect(await listVps(worker.url, 504)).toEqual([]);

    // Non-ASCII text is signed over the bytes curl sends.
    const signed = await script(['create', '504', 'сервер "один" 🚀', '1', '1', '10', 'Debian 12', 'kvm']);
    expect(signed).toMatchObject({ code: 0, stderr: '' });
    expect(await listVps(worker.url, 504)).toMatchObject([{ name: 'сервер "один" 🚀' }]);
    const notWhsec = await script(['delete', '1'], { VPS_SYNC_SIGNING_SECRET: 'secret-without-prefix' });
    expect(notWhsec.code).toBe(2);
    expect(notWhsec.stderr).toContain('VPS_SYNC_SIGNING_SECRET must start with whsec_');
  }, 30_000);
});

describe('examples/curl/vps-sync.sh get', () => {
  it('reads a VPS as the main site, signed over the empty body, deleted or not', async () => {
    const created = JSON.parse((await script(['create', '505', 'read-back', '1', '1', '10', 'Debian 12', 'kvm'])).stdout) as { vps: { id: number } };
    const live = await script(['get', String(created.vps.id)]);
    expect(live).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(live.stdout)).toMatchObject({ status: 'success', vps: { id: created.vps.id, name: 'read-back', deleted: false, deleted_at: null } });

    expect((await script(['delete', String(created.vps.id)])).code).toBe(0);
    const gone = await script(['get', String(created.vps.id)]);
    expect(JSON.parse(gone.stdout)).toMatchObject({ vps: { id: created.vps.id, deleted: true, deleted_at: expect.any(String) } });

    const unsigned = await script(['get', String(created.vps.id)], { VPS_SYNC_SIGNING_SECRET: undefined });
    expect(unsigned.code).toBe(22);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ code: 'signature_missing' });
    const unknown = await script(['get', '4294967295']);
    expect(unknown.code).toBe(22);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ code: 'not_found', errors: [{ field: 'id', message: 'no such VPS' }] });
  }, 30_000);
});
