import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_BINDINGS, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../../bindings.js';
import { startLocalWorker, type LocalWorker } from '../local-worker.js';
import { listVps, panelToken } from '../panel.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';
import { runCommand } from './processes.js';

/** examples/python/vps_sync.py against a local Worker that requires signed requests, through a proxy that can fail on demand. */
/** Its own Worker: it requires signatures, which the shared one (test/node/global-setup.ts) does not. */
let worker: LocalWorker;
let proxy: FlakyProxy;
/** The interpreter `python3` names, resolved once (a version manager's shim costs a second a call). */
let python3 = 'python3';

beforeAll(async () => {
  // No python3 is a failure, not a skip: the example would then be untested.
  const found = await runCommand('python3', ['-c', 'import sys; print(sys.version); print(sys.executable)'], process.env).catch((err: Error) => {
    throw new Error(`python3 is needed to test examples/python: ${err.message}`);
  });
  const [version = '', executable = ''] = found.stdout.split('\n');
  expect(version).toMatch(/^3\./);
  if (executable) python3 = executable;
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

const python = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCommand(python3, ['examples/python/vps_sync.py', ...args], {
    PATH: process.env.PATH,
    VPS_SYNC_URL: proxy.url,
    VPS_SYNC_API_KEY: TEST_BINDINGS.VPS_SYNC_API_KEY,
    VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET,
    ...env,
  });

const createArgs = (userId: number, name: string) =>
  ['create', '--user-id', String(userId), '--name', name, '--cpu', '2', '--ram-gb', '2', '--disk-gb', '50', '--os', 'Ubuntu 22.04 LTS', '--hypervisor', 'proxmox'];

describe('examples/python/vps_sync.py', () => {
  it('creates, changes the status, lists and deletes', async () => {
    const created = await python(createArgs(401, 'py-vps'));
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { vps } = JSON.parse(created.stdout) as { vps: { id: number; ram: number; status: string } };
    expect(vps).toMatchObject({ ram: 2048, status: 'creating' });
    expect(await listVps(worker.url, 401)).toMatchObject([{ id: vps.id, name: 'py-vps', ram: 2048, status: 'creating' }]);

    const running = await python(['status', String(vps.id), 'running']);
    expect(running.code).toBe(0);
    expect(JSON.parse(running.stdout)).toMatchObject({ status: 'success', applied: true, vps: { id: vps.id, status: 'running' } });
    expect(await listVps(worker.url, 401)).toMatchObject([{ id: vps.id, status: 'running' }]);

    const listed = await python(['list'], { VPS_PANEL_TOKEN: await panelToken(401) });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ status: 'success', vps: [{ id: vps.id, status: 'running' }] });

    const deleted = await python(['delete', String(vps.id)]);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ status: 'success', applied: true });
    expect(await listVps(worker.url, 401)).toEqual([]);
  });

  it('retries 503 (after its Retry-After) and 502 with one Idempotency-Key, and creates once', async () => {
    proxy.failNext({ status: 503, headers: { 'Retry-After': '1' } }, { status: 502 });
    const started = Date.now();
    const created = await python(createArgs(402, 'py-retried'));
    expect(created.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(created.stderr).toMatch(/attempt 1 failed \(HTTP 503\); retrying in 1\.00s/);
    expect(created.stderr).toMatch(/attempt 2 failed \(HTTP 502\)/);
    expect(proxy.requests).toHaveLength(3);
    const keys = new Set(proxy.requests.map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await listVps(worker.url, 402)).toHaveLength(1);
  });

  it('does not retry a 400 or a 401, and exits 1 with the error answer on stderr', async () => {
    const invalid = await python(['create', '--user-id', '403', '--name', 'x', '--cpu', '0', '--ram-gb', '1', '--disk-gb', '1', '--os', 'x', '--hypervisor', 'kvm']);
    expect(invalid).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(invalid.stderr)).toMatchObject({
      status: 'error',
      code: 'validation_failed',
      message: 'Validation failed',
      errors: [{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }],
    });

    const unauthorized = await python(['delete', '1'], { VPS_SYNC_API_KEY: 'wrong-key-0123456789abcdef0123456789abcdef' });
    expect(unauthorized.code).toBe(1);
    expect(JSON.parse(unauthorized.stderr)).toMatchObject({ status: 'error', message: 'Invalid API key' });

    expect(proxy.requests).toHaveLength(2);
    expect(await listVps(worker.url, 403)).toEqual([]);
  });

  it('signs every attempt with a new webhook-id and refuses nothing the Worker requires', async () => {
    proxy.failNext({ status: 503, headers: { 'Retry-After': '0' } });
    const created = await python(createArgs(404, 'py-signed'));
    expect(created.code).toBe(0);
    expect(proxy.requests).toHaveLength(2);
    const [first, second] = proxy.requests;
    expect(first?.webhookId).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(second?.webhookId).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(second?.webhookId).not.toBe(first?.webhookId);
    expect(Math.abs(Number(first?.webhookTimestamp) - Date.now() / 1000)).toBeLessThan(30);
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(await listVps(worker.url, 404)).toHaveLength(1);
  }, 30_000);

  it('is refused unsigned or signed with another secret, when the Worker requires signatures', async () => {
    const unsigned = await python(createArgs(405, 'py-unsigned'), { VPS_SYNC_SIGNING_SECRET: undefined });
    expect(unsigned.code).toBe(1);
    expect(JSON.parse(unsigned.stderr)).toMatchObject({ code: 'signature_missing' });
    const wrong = await python(createArgs(405, 'py-wrong'), { VPS_SYNC_SIGNING_SECRET: TEST_WRONG_SIGNING_SECRET });
    expect(JSON.parse(wrong.stderr)).toMatchObject({ code: 'signature_invalid' });
    const malformed = await python(createArgs(405, 'py-bad'), { VPS_SYNC_SIGNING_SECRET: 'not-a-secret' });
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toContain('VPS_SYNC_SIGNING_SECRET must start with whsec_');
    expect(await listVps(worker.url, 405)).toEqual([]);
  }, 30_000);
});
