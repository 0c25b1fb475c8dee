/**
 * `npm run bench:scale`: the PlanetScale path as the vps table grows. The Worker's own store code
 * and the @planetscale/database driver run in Node, through the local PlanetScale-compatible
 * endpoint (scripts/ps-http, which counts the statements) to the local MariaDB, in a database of
 * its own (BENCH_DATABASE, default vps_sync_bench, recreated on every run; login as scripts/mysql.ts).
 *
 * Prints and writes (docs/bench/scale-<date>.md and .json) the statements of each operation, the
 * listing's p50 at each table size (fast multi-row INSERTs of other users' VPS in between), and
 * reconcile latencies. Exits 1 when the listing is not flat: its p50 (over a SELECT 1 timed in
 * turn with it, which cancels the shared machine's load) at the largest size over the smallest
 * above --max-ratio.
 *
 *   npm run bench:scale                                   1,000, 100,000 and 1,000,000 rows
 *   npm run bench:scale -- --sizes 1000,20000 --no-write  a quick look
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import mysql from 'mysql2/promise';
import type { ReconcileItem, VpsCreate } from '../../src/contract/index.js';
import { storesFor } from '../../src/store/select.js';
import { connectMysql, migrateMysql, MysqlSetupError, type MysqlTarget } from '../mysql.js';
import { startPsHttpServer } from '../ps-http/server.js';
import { fillTo } from './scale/fill.js';
import { latency, latencyAgainst, round, statementsOf, type Statements } from './scale/measure.js';
import { describeMachine, markdown, writeReport, type ScaleReport, type SizeResult } from './scale/report.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000,1000000' },
    samples: { type: 'string', default: '500' },
    'max-ratio': { type: 'string', default: '2' },
    out: { type: 'string', default: 'docs/bench' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
if (!sizes.length || sizes.some((s, i) => !Number.isInteger(s) || s < 1000 || (i > 0 && s <= sizes[i - 1]!))) {
  console.error('--sizes: increasing whole numbers of rows, each at least 1000 (e.g. 1000,100000,1000000)');
  process.exit(2);
}
const samples = Number(args.samples);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const maxRatio = Number(args['max-ratio']);

let target: MysqlTarget;
try {
  target = await connectMysql(process.env.BENCH_DATABASE ?? 'vps_sync_bench');
  await migrateMysql(target, { fresh: true });
} catch (err) {
  console.error(err instanceof MysqlSetupError ? err.message : `Cannot prepare the benchmark database: ${String(err)}`);
  process.exit(1);
}
const started = performance.now();
const endpoint = await startPsHttpServer({ mysql: target, port: 0 });
const direct = await mysql.createConnection({ ...target, charset: 'utf8mb4', timezone: 'Z' });
const stores = storesFor({ kind: 'planetscale', connection: { url: endpoint.url }, timeoutMs: 30_000 });

try {
  const [[{ version }]] = (await direct.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
  const machine = describeMachine(`MariaDB/MySQL ${version}`);
  console.log(`bench:scale on ${target.database}: ${sizes.map((s) => s.toLocaleString('en-US')).join(', ')} rows; ${samples} samples per latency\n`);

  const spec = (user_id: number, i: number, extra: Partial<VpsCreate> = {}): VpsCreate => ({
    user_id, name: `vps-${i}`, status: 'running', cpu: 2, ram: 4096, disk: 80, os: 'Debian 12', hypervisor: 'kvm', ...extra,
  });
  const item = (user: number, i: number, version: number, status: ReconcileItem['status'] = 'running'): ReconcileItem => ({
    external_id: `r-${user}-${i}`, name: `vps-${i}`, status, cpu: 2, ram: 4096, disk: 80, os: 'Debian 12', hypervisor: 'kvm', version,
  });

  // The measured user: 20 VPS, as a customer of a busy panel might have.
  const measured = 1;
  for (let i = 0; i < 20; i++) await stores.vps.create(spec(measured, i));

  const statements = await countStatements();
  const results: SizeResult[] = [];
  for (const [index, size] of sizes.entries()) {
    const fill = await fillTo(direct, size);
    // A long warm-up: the first size is measured first, and must not pay for the JIT and the buffer pool.
    const timed = await latencyAgainst(() => stores.vps.listForUser(measured, { limit: 50 }), () => stores.vps.ping(), samples, 100);
    const list = timed.op;
    const firstId = (await stores.vps.listForUser(measured, { limit: 1 })).items[0]!.id;
    const get = await latency(() => stores.vps.get(measured, firstId), samples, 200);
    const reconcile = [];
    for (const items of [10, 50, 200]) {
      const user = 1000 + index * 10 + items / 10; // below the filler users, one per size and item count
      const list = Array.from({ length: items }, (_, i) => item(user, i, 1));
      const t0 = performance.now();
      await stores.vps.reconcile(user, list, { dryRun: false });
      const first_ms = round(performance.now() - t0);
      // Each run changes another tenth of the items (a newer version, another status); the rest is unchanged.
      const steady = await latency(
        (run) => {
          for (let i = run % 10; i < items; i += 10) list[i] = item(user, i, run + 2, list[i]!.status === 'running' ? 'stopped' : 'running');
          return stores.vps.reconcile(user, list, { dryRun: false });
        },
        10,
        2,
      );
      reconcile.push({ items, first_ms, steady });
    }
    const plan = await listingPlan();
    const result = { rows: size, fill_ms: round(fill.ms), list, ping: timed.baseline, list_over_ping: ratio(list.p50, timed.baseline.p50), get, list_index: plan.index, list_rows_read: plan.rows, reconcile };
    results.push(result);
    console.log(
      `${size.toLocaleString('en-US').padStart(10)} rows (filled in ${(fill.ms / 1000).toFixed(1)} s): list p50 ${list.p50} ms (ping ${timed.baseline.p50} ms), get p50 ${get.p50} ms, ` +
        `index ${plan.index} (${plan.rows} rows); reconcile ${reconcile.map((r) => `${r.items}: ${r.first_ms} / ${r.steady.p50} ms`).join(', ')}`,
    );
  }

  const [smallest, largest] = [results[0]!, results.at(-1)!];
  const listRatioVsPing = ratio(largest.list_over_ping, smallest.list_over_ping);
  const report: ScaleReport = {
    date: new Date().toISOString(),
    machine: { ...machine, load_average_after: loadavg().map((l) => Math.round(l * 100) / 100) },
    statements,
    sizes: results,
    list_ratio: ratio(largest.list.p50, smallest.list.p50),
    list_ratio_vs_ping: listRatioVsPing,
    max_ratio: maxRatio,
    flat: listRatioVsPing <= maxRatio,
    elapsed_s: Math.round((performance.now() - started) / 1000),
  };
  console.log(`\n${markdown(report)}`);
  if (!args['no-write']) console.log(`written: ${writeReport(args.out, report).join(', ')}`);
  process.exitCode = report.flat ? 0 : 1;

  /** Each operation once, on the first size, counted at the endpoint. */
  async function countStatements(): Promise<ScaleReport['statements']> {
    const user = 2;
    const keyed = async (op: () => Promise<unknown>, key: string) => {
      // As src/middleware/idempotency.ts calls the store: the claim, the change, the answer after it.
      const claimedAt = new Date();
      const before = await statementsOf(endpoint, async () => {
        await stores.idempotency.claim(key, 'a'.repeat(64), claimedAt);
        await op();
      });
      const after = await statementsOf(endpoint, () => stores.idempotency.complete(key, claimedAt, 200, '{}', new Date()));
      return { statements: before.statements + after.statements, roundTrips: before.roundTrips + after.roundTrips, before_answer: before.roundTrips };
    };
    const counts: Record<string, Statements & { before_answer?: number }> = {};
    counts['create'] = await statementsOf(endpoint, () => stores.vps.create(spec(user, 100)));
    counts['create with Idempotency-Key'] = await keyed(() => stores.vps.create(spec(user, 101)), 'bench-create');
    const [vps] = (await stores.vps.listForUser(user, { limit: 1 })).items;
    counts['update'] = await statementsOf(endpoint, () => stores.vps.update({ id: vps!.id }, { status: 'stopped' }));
    counts['update with Idempotency-Key'] = await keyed(() => stores.vps.update({ id: vps!.id }, { status: 'running' }), 'bench-update');
    counts['get'] = await statementsOf(endpoint, () => stores.vps.get(user, vps!.id));
    counts['list (one page)'] = await statementsOf(endpoint, () => stores.vps.listForUser(user, { limit: 50 }));
    counts['delete'] = await statementsOf(endpoint, () => stores.vps.delete({ id: vps!.id }));
    const items = Array.from({ length: 200 }, (_, i) => item(3, i, 1));
    counts['reconcile 200 (all created)'] = await statementsOf(endpoint, () => stores.vps.reconcile(3, items, { dryRun: false }));
    items[0] = item(3, 0, 2, 'stopped');
    counts['reconcile 200 (1 changed)'] = await statementsOf(endpoint, () => stores.vps.reconcile(3, items, { dryRun: false }));
    counts['reconcile 200 (dry run)'] = await statementsOf(endpoint, () => stores.vps.reconcile(3, items, { dryRun: true }));
    return counts;
  }

  /**
   * The index MySQL picks for the listing query as the store sends it (the driver inlines the
   * values), and the rows it expects to read: what keeps the listing flat, free of timing noise.
   */
  async function listingPlan(): Promise<{ index: string | null; rows: number | null }> {
    endpoint.resetStats();
    await stores.vps.listForUser(measured, { limit: 50 });
    const [sql] = endpoint.stats().statements;
    if (!sql) return { index: null, rows: null };
    const [plan] = (await direct.query(`EXPLAIN ${sql}`)) as unknown as [{ key: string | null; rows: number | string | null }[]];
    return { index: plan[0]?.key ?? null, rows: plan[0]?.rows === undefined || plan[0].rows === null ? null : Number(plan[0].rows) };
  }
} finally {
  await direct.end();
  await endpoint.close();
}
