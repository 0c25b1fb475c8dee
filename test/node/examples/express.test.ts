import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_BINDINGS, TEST_SIGNING_SECRET, TEST_WRONG_SIGNING_SECRET } from '../../bindings.js';
import { listVps } from '../panel.js';
import { startServer, type RunningServer } from './processes.js';

/**
 * examples/express run as the main site would run it: its own Node process, importing the built
 * client through `@vps-sync/client`, signing with the panel's signing secret, pointed at the local
 * Worker (test/node/global-setup.ts, which verifies signed requests) and driven over HTTP.
 */
const workerUrl = inject('workerUrl');
let shop: RunningServer | undefined;

const startShop = (signingSecret: string) =>
  startServer(
    process.execPath,
    ['--import', 'tsx', 'examples/express/server.ts'],
    {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      VPS_SYNC_URL: workerUrl,
      VPS_SYNC_API_KEY: TEST_BINDINGS.VPS_SYNC_API_KEY,
      VPS_SYNC_SIGNING_SECRET: signingSecret,
    },
    /^shop listening on /,
  );

beforeAll(async () => {
  shop = await startShop(TEST_SIGNING_SECRET);
}, 60_000);
afterAll(() => shop?.stop());

const call = async (method: string, path: string, body?: object, server = shop!) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('examples/express', () => {
  it('creates the VPS in the panel after payment, marks it running, and deletes it on cancellation', async () => {
    const paid = await call('POST', '/orders/1001/pay', { userId: 201, plan: 'vps-m', name: 'shop-1', os: 'Debian 12' });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ orderId: '1001', vps: { externalId: 'order-1001', ramMb: 2048, status: 'creating' } });
    expect(await listVps(workerUrl, 201)).toMatchObject([
      { external_id: 'order-1001', name: 'shop-1', cpu: 2, ram: 2048, disk: 50, os: 'Debian 12', hypervisor: 'proxmox', status: 'creating' },
    ]);

    const ready = await call('POST', '/orders/1001/ready');
    expect(ready).toMatchObject({ status: 200, body: { vps: { status: 'running' } } });
    expect(await listVps(workerUrl, 201)).toMatchObject([{ external_id: 'order-1001', status: 'running' }]);

    const cancelled = await call('DELETE', '/orders/1001');
    expect(cancelled).toEqual({ status: 200, body: { orderId: '1001', deleted: true } });
    expect(await listVps(workerUrl, 201)).toEqual([]);
  });

  it("turns the client's typed errors into the shop's answers", async () => {
    const tooLong = await call('POST', '/orders/1002/pay', { userId: 202, plan: 'vps-s', name: 'x'.repeat(101), os: 'Debian 12' });
    expect(tooLong).toEqual({
      status: 400,
      body: { error: 'Validation failed', fields: [{ field: 'vps.name', message: 'must be at most 100 characters' }] },
    });
    expect(await call('POST', '/orders/9999/ready')).toEqual({ status: 404, body: { error: 'no such order in the panel' } });
    expect(await listVps(workerUrl, 202)).toEqual([]);
  });

  it('signs its requests: the same shop with another signing secret is refused by the panel', async () => {
    const forged = await startShop(TEST_WRONG_SIGNING_SECRET);
    try {
      const paid = await call('POST', '/orders/1003/pay', { userId: 203, plan: 'vps-s', name: 'shop-3', os: 'Debian 12' }, forged);
      expect(paid).toEqual({ status: 502, body: { error: 'panel sync failed' } });
      expect(await listVps(workerUrl, 203)).toEqual([]);
    } finally {
      await forged.stop();
    }
  }, 60_000);
});
