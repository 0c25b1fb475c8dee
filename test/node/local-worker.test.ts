import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../bindings.js';
import { startLocalWorker, type LocalWorker } from './local-worker.js';
import { listVps } from './panel.js';

let worker: LocalWorker | undefined;
afterAll(() => worker?.stop());

/** Command lines of this process's descendants (Linux /proc; empty elsewhere). */
function descendants(pid = process.pid): string[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  const children = readdirSync(tasks).flatMap((tid) =>
    readFileSync(`${tasks}/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.flatMap((child) => {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return []; // exited meanwhile
    }
    return [cmd, ...descendants(child)];
  });
}

const create = (url: string, userId: number, name: string) =>
  fetch(`${url}/api/vps/sync`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
    body: JSON.stringify({
      action: 'create',
      vps: { user_id: userId, name, cpu: 1, ram: 512, disk: 10, os: 'Debian 12', hypervisor: 'kvm' },
    }),
  });

describe('startLocalWorker', () => {
  it('serves the Worker on loopback with the test secrets and a migrated database, resets that database, and stops', async () => {
    worker = await startLocalWorker();
    expect(new URL(worker.url).hostname).toBe('127.0.0.1');

    const health = await fetch(`${worker.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'success', message: 'ok' });

    // The test key is accepted (401 otherwise) and the table exists (500 otherwise).
    const created = await create(worker.url, 5, 'harness');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ vps: { id: 1, name: 'harness' } });
    expect(await listVps(worker.url, 5)).toHaveLength(1);
    if (existsSync('/proc')) expect(descendants().some((cmd) => cmd.includes('workerd'))).toBe(true);

    // As a fresh instance: the rows are gone and ids start at 1 again; the Worker kept running.
    await worker.resetDatabase();
    expect(await listVps(worker.url, 5)).toEqual([]);
    const again = await create(worker.url, 6, 'after reset');
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ vps: { id: 1, user_id: 6, name: 'after reset' } });

    await worker.stop();
    await expect(fetch(`${worker.url}/health`)).rejects.toThrow();
    expect(descendants().filter((cmd) => cmd.includes('workerd'))).toEqual([]);
    await worker.stop(); // a second stop (afterAll's) is a no-op
  }, 60_000);
});
