// The soak's final check (scripts/soak/verify.ts) must be able to fail: a Worker on the
// PlanetScale path, rows written through the API, then changed behind its back.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectMysql, migrateMysql, type MysqlTarget } from '../../scripts/mysql.js';
import { startPsHttpServer, type PsHttpServer } from '../../scripts/ps-http/server.js';
import type { ExpectedVps } from '../../scripts/soak/main-site.js';
import { verify } from '../../scripts/soak/verify.js';
import { TEST_BINDINGS } from '../bindings.js';
import { startLocalWorker, type LocalWorker } from '../node/local-worker.js';

let target: MysqlTarget;
let endpoint: PsHttpServer;
let worker: LocalWorker;

beforeAll(async () => {
  target = await connectMysql('vps_sync_soak_verify');
  await migrateMysql(target, { fresh: true });
  endpoint = await startPsHttpServer({ mysql: target, port: 0 });
  worker = await startLocalWorker({ ...TEST_BINDINGS, DATABASE_URL: endpoint.url }, { logLevel: 'none' });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await endpoint?.close();
});

const data = { name: 'a', status: 'running', cpu: 1, ram: 512, disk: 10, os: 'Debian 12', hypervisor: 'kvm' } as const;

async function sync(body: unknown): Promise<void> {
  const res = await fetch(`${worker.url}/api/vps/sync`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

it('finds nothing wrong when the panel matches, and each kind of damage when it does not', async () => {
  const user = 4242;
  const expected: ExpectedVps[] = ['keep', 'lose', 'change', 'gone'].map((name, i) => ({
    user_id: user,
    external_id: `verify-${name}`,
    data: { ...data, name },
    version: i + 1,
    deleted: false,
  }));
  for (const vps of expected) await sync({ action: 'create', vps: { user_id: user, external_id: vps.external_id, ...vps.data, version: vps.version } });
  await sync({ action: 'delete', vps: { external_id: 'verify-gone', version: 9 } });
  expected[3] = { ...expected[3]!, version: 9, deleted: true };

  const clean = await verify(worker.url, target, expected);
  expect([clean.lost.size, clean.duplicated.size, clean.differing.size]).toEqual([0, 0, 0]);
  expect([clean.expectedLive, clean.expectedDeleted]).toEqual([3, 1]);

  const db = await mysql.createConnection(target);
  try {
    await db.query("DELETE FROM vps WHERE external_id IN ('verify-lose', 'verify-gone')");
    await db.query("UPDATE vps SET cpu = 2 WHERE external_id = 'verify-change'");
    await db.query(
      'INSERT INTO vps (user_id, name, status, cpu, ram, disk, os, hypervisor, created_at, updated_at) ' +
        "VALUES (?, 'stray', 'running', 1, 512, 10, 'Debian 12', 'kvm', NOW(3), NOW(3))",
      [user],
    );
  } finally {
    await db.end();
  }
  const damaged = await verify(worker.url, target, expected);
  expect([...damaged.lost.keys()].sort()).toEqual(['verify-gone', 'verify-lose']);
  expect([...damaged.differing.values()]).toEqual([`user ${user}: verify-change: cpu 2 != 1`]);
  expect([...damaged.duplicated.values()]).toEqual([expect.stringMatching(/^user 4242: listed \(no external_id, id \d+\), which no event created$/)]);
}, 60_000);
