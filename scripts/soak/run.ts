/**
 * `npm run soak [-- --short] [--seconds N] [--clients N] [--seed N] [--key-percent P] [--calm] [--worker-logs]`: sync events
 * from concurrent main-site clients (creates, updates, deletes, reconciles whole or in pages, with external_id,
 * versions and Idempotency-Keys; retried after their Retry-After; some delivered twice at once,
 * some again much later) on the PlanetScale path, while the database side is broken and restored
 * again and again. Then the panel's state is compared with what the acknowledged events say.
 *
 * The path: the Worker as `wrangler dev` runs it -> DATABASE_URL -> the local PlanetScale-compatible
 * endpoint (its faults) -> a TCP proxy (MySQL made unreachable) -> the local MariaDB, database
 * vps_sync_soak (recreated). About a minute by default; `--short` is ~12 s, for CI.
 *
 * Exits 1 unless no row is lost, duplicated or different, no answer is a 500 or unexpected, no late
 * duplicate changed anything and every event got its answer.
 */
import { parseArgs } from 'node:util';
import { TEST_BINDINGS } from '../../test/bindings.js';
import { startLocalWorker, type LocalWorker } from '../../test/node/local-worker.js';
import { connectMysql, migrateMysql, MysqlSetupError } from '../mysql.js';
import { startPsHttpServer, type PsHttpServer } from '../ps-http/server.js';
import { runChaos } from './chaos.js';
import { Delivery, newTally } from './delivery.js';
import { MainSite, type OpKind } from './main-site.js';
import { Random } from './random.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { verify } from './verify.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    clients: { type: 'string' },
    seed: { type: 'string' },
    // Percentage of events sent with an Idempotency-Key (default 70).
    'key-percent': { type: 'string' },
    // A baseline: the same load with the database left alone.
    calm: { type: 'boolean', default: false },
    // Show the Worker's own log lines (one per 503, among others).
    'worker-logs': { type: 'boolean', default: false },
  },
});
const positive = (name: string, raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
};
const seconds = positive('seconds', args.seconds, args.short ? 12 : 60);
const clients = positive('clients', args.clients, 48);
const seed = positive('seed', args.seed, Math.floor(Math.random() * 2 ** 31) + 1);
const keyPercent = args['key-percent'] === undefined ? 70 : Number(args['key-percent']);
if (!Number.isInteger(keyPercent) || keyPercent < 0 || keyPercent > 100) throw new Error(`--key-percent must be 0 to 100, got ${args['key-percent']}`);
/** Past the end, events still being retried get this long: more than the 60 s lease of an Idempotency-Key whose request died. */
const DRAIN_MS = 90_000;
const DUPLICATE_RATE = 0.15;

const random = new Random(seed);
const runId = seed.toString(36);

let proxy: TcpProxy | undefined;
let endpoint: PsHttpServer | undefined;
let worker: LocalWorker | undefined;
const cleanup = async () => {
  await worker?.stop();
  await endpoint?.close();
  await proxy?.close();
};
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

let code = 1;
try {
  code = await soak();
} catch (err) {
  console.error(err instanceof MysqlSetupError ? err.message : err);
} finally {
  await cleanup();
}
process.exit(code);

async function soak(): Promise<number> {
  const target = await connectMysql('vps_sync_soak');
  await migrateMysql(target, { fresh: true });
  proxy = await startTcpProxy({ host: target.host, port: target.port });
  // PlanetScale ends a transaction left idle for 20 s; an outage should not hold row locks longer.
  endpoint = await startPsHttpServer({ mysql: { ...target, port: proxy.port }, port: 0, transactionIdleTimeoutMs: 5000 });
  // The Worker logs every 503 it answers; thousands of them would bury the summary (--worker-logs shows them).
  worker = await startLocalWorker({ ...TEST_BINDINGS, DATABASE_URL: endpoint.url, DATABASE_TIMEOUT_MS: '1000' }, { logLevel: args['worker-logs'] ? 'error' : 'none' });
  const health = await fetch(`${worker.url}/health`);
  if (health.status !== 200) throw new Error(`the Worker is not healthy: ${health.status}`);

  console.log(`soak: ${seconds} s, ${clients} concurrent clients, ${keyPercent}% of events with an Idempotency-Key, seed ${seed}${args.calm ? ', database left alone (--calm)' : ''}`);
  console.log(`replay: npm run soak -- --seconds ${seconds} --clients ${clients} --key-percent ${keyPercent} --seed ${seed}${args.calm ? ' --calm' : ''}`);
  console.log('path: Worker (wrangler) -> ps-http endpoint (faults) -> TCP proxy (cut) -> MariaDB');

  const tally = newTally();
  const firstUser = 1_000_000 + (seed % 1_000_000) * 100;
  // One user per client: a client waiting out one event (Retry-After, a dead request's key lease)
  // holds up that user's later events only, as a main site's per-VPS queue would.
  const sites = Array.from({ length: clients }, (_, lane) => new MainSite(lane, [firstUser + lane], random.fork(), runId, keyPercent / 100));
  const sent = new Map<OpKind, number>();
  let duplicated = 0;
  let unresolved = 0;

  const started = Date.now();
  const end = started + seconds * 1000;
  const delivery = new Delivery(worker.url, TEST_BINDINGS.VPS_SYNC_API_KEY, tally, end + DRAIN_MS);
  const chaos = runChaos(endpoint, proxy, random.fork(), args.calm ? started : end);
  const lanes = sites.map(async (site) => {
    const lane = random.fork();
    while (Date.now() < end) {
      const { op, acknowledge } = site.next();
      sent.set(op.kind, (sent.get(op.kind) ?? 0) + 1);
      const copies = lane.next() < DUPLICATE_RATE ? 2 : 1;
      if (copies === 2) duplicated += 1;
      const outcome = await delivery.deliver(op, copies);
      if (outcome === 'acknowledged') acknowledge();
      if (outcome === 'unresolved') {
        // Whether it applied is unknown: this lane's expected state is no longer certain.
        unresolved += 1;
        return;
      }
    }
  });
  const outages = await chaos;
  await Promise.all(lanes);
  const drained = Date.now();

  const expected = sites.flatMap((site) => [...site.vps.values()]);
  const verdict = await verify(worker.url, target, expected);

  const db = endpoint.stats();
  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  const statuses = [...tally.byStatus].sort(([a], [b]) => a.localeCompare(b));
  const serverErrors = statuses.filter(([status]) => status.startsWith('5') && status !== '503').reduce((a, [, k]) => a + k, 0);
  const n = (value: number) => value.toLocaleString('en-US');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `operations sent      ${n(total)} in ${seconds} s (${[...sent].map(([kind, k]) => `${kind} ${n(k)}`).join(', ')})`,
    `requests sent        ${n(tally.requests)} (retries ${n(tally.retries)}; operations delivered twice at once ${n(duplicated)})`,
    `answers by status    ${statuses.map(([status, k]) => `${status}: ${n(k)}`).join('  ')}`,
    `endpoint             ${n(db.executes)} statements: ${n(db.faulted)} answered by an injected fault, ${n(db.sqlErrors)} answered with a MySQL or Vitess error, ${db.expiredTransactions} idle transactions rolled back`,
    `database broken      ${[...outages.byKind.values()].reduce((a, b) => a + b, 0)} times, ${s(outages.brokenMs)} of ${seconds} s: ${[...outages.byKind].map(([kind, k]) => `${kind} ${k}`).join('; ')}`,
    `waiting              ${n(tally.inProgress409)} answers 409 "still in progress"; ${tally.slowEvents} events answered after > 30 s; slowest ${s(tally.slowestMs)}; last answer ${s(drained - end)} after the end`,
    `panel state          ${n(verdict.expectedLive)} live and ${n(verdict.expectedDeleted)} deleted VPS expected, for ${n(clients)} users`,
    `rows lost            ${verdict.lost.size}`,
    `rows duplicated      ${verdict.duplicated.size}`,
    `rows that differ     ${verdict.differing.size}`,
    `5xx other than 503   ${serverErrors}; 503 without Retry-After (not the API's) ${tally.foreign503}`,
    `unexpected answers   ${tally.unexpected.length}; late duplicates that changed something ${tally.lateApplied.length}; events never answered ${unresolved}`,
  ];
  console.log(lines.join('\n'));
  for (const [label, findings] of [
    ['lost', [...verdict.lost.values()]],
    ['duplicated', [...verdict.duplicated.values()]],
    ['differs', [...verdict.differing.values()]],
    ['unexpected answer', tally.unexpected],
    ['late duplicate applied', tally.lateApplied],
    ['503 not from the API', tally.foreign503Samples],
  ] as const) {
    for (const line of findings.slice(0, 10)) console.log(`  ${label}: ${line}`);
  }

  const pass =
    verdict.lost.size === 0 &&
    verdict.duplicated.size === 0 &&
    verdict.differing.size === 0 &&
    serverErrors === 0 &&
    tally.unexpected.length === 0 &&
    tally.lateApplied.length === 0 &&
    unresolved === 0 &&
    total > 0;
  console.log(pass ? 'PASS' : 'FAIL');
  return pass ? 0 : 1;
}
