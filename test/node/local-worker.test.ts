import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../bindings.ts';
import { startLocalWorker, type LocalWorker } from './local-worker.ts';

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

describe('startLocalWorker', () => {
  it('serves the Worker on loopback with the test secrets and a migrated database, and stops it', async () => {
    worker = await startLocalWorker();
    expect(new URL(worker.url).hostname).toBe('127.0.0.1');

    const health = await fetch(`${worker.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'success', message: 'ok' });

    // The test key is accepted (401 otherwise) and the table exists (500 otherwise).
    const created = await fetch(`${worker.url}/api/vps/sync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
      body: JSON.stringify({
        action: 'create',
        vps: { user_id: 5, name: 'harness', cpu: 1, ram: 512, disk: 10, os: 'Debian 12', hypervisor: 'kvm' },
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ vps: { id: 1, name: 'harness' } });
    if (existsSync('/proc')) expect(descendants().some((cmd) => cmd.includes('workerd'))).toBe(true);

    await worker.stop();
    await expect(fetch(`${worker.url}/health`)).rejects.toThrow();
    expect(descendants().filter((cmd) => cmd.includes('workerd'))).toEqual([]);
    await worker.stop(); // a second stop (afterAll's) is a no-op
  }, 60_000);
});
