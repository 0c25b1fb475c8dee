import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packClient } from '../../../scripts/pack-client.ts';

/**
 * The packed client (npm run pack:client) installed into a project that has nothing of this
 * repository: it must install with zod as its only dependency and work from there.
 */
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('npm run pack:client', () => {
  it('makes a package a main site installs and imports on its own', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vps-sync-pack-'));
    const app = await mkdtemp(join(tmpdir(), 'vps-sync-main-site-'));
    dirs.push(out, app);
    const tarball = await packClient(out, { build: false }); // client/dist: built by the global setup
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'main-site', private: true, type: 'module' }));
    await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });
    const { stdout: tree } = await run('npm', ['ls', '--all', '--parseable'], { cwd: app });
    const installed = tree.split('\n').filter((line) => line.includes('node_modules')).map((line) => line.split('node_modules/').pop());
    expect(installed.sort()).toEqual(['vps-sync-client', 'zod']);

    const script = `
      import { createVpsSyncClient } from 'vps-sync-client';
      const sent = [];
      const fetch = async (url, init) => {
        sent.push(JSON.parse(init.body));
        return new Response(JSON.stringify({ status: 'success', message: 'VPS synced successfully', applied: true, outcome: 'created',
          vps: { id: 1, user_id: 5, external_id: 'order-1', name: 'a', status: 'creating', cpu: 2, ram: 2048, disk: 50, os: 'x',
                 hypervisor: 'kvm', version: 0, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' } }),
          { status: 201, headers: { 'Content-Type': 'application/json' } });
      };
      const client = createVpsSyncClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k'.repeat(32), fetch });
      const result = await client.createVps({ userId: 5, externalId: 'order-1', name: 'a', cpu: 2, ramGb: 2, diskGb: 50, os: 'x', hypervisor: 'kvm' });
      console.log(JSON.stringify({ outcome: result.outcome, ram: sent[0].vps.ram }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ outcome: 'created', ram: 2048 });
  }, 120_000);
});
