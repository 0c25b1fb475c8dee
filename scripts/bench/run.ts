/**
 * `npm run bench [-- --duration 3 --rounds 3 --connections 8 --routes list,get --bare-headers]`:
 * the built Worker in workerd (Miniflare), against a bare Worker answering the same JSON, Hono
 * answering the same JSON and headers (the floor) and the straightforward Hono + jose + zod
 * Worker, on every benchmarked route; the database taken out (in-memory stores) and on local D1.
 * The variants alternate within each round so a change in the machine's load hits them alike;
 * each figure is the median of its rounds, each ratio the median of the rounds' own ratios.
 * Prints a table and writes docs/bench/<date>.{md,json}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadRequest, routes as benchRoutes, seed, type Route } from './routes.js';
import { describeMachine, writeReport, type Cell } from './report.js';
import { build, start, VARIANTS, type Variant } from './workers.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    routes: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    // The bare Worker answers the app's headers too, not only its JSON: what is left is the app's own work.
    'bare-headers': { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
if (!(duration > 0 && Number.isInteger(rounds) && rounds > 0 && Number.isInteger(connections) && connections > 0)) {
  throw new Error('--duration (seconds), --rounds and --connections must be positive numbers');
}

const outdir = mkdtempSync(join(tmpdir(), 'vps-sync-bench-'));
const started: { dispose(): Promise<void> }[] = [];
try {
  console.log(`Building the ${VARIANTS.length} Workers with wrangler (as npm run build does)...`);
  const scripts = Object.fromEntries(VARIANTS.map((v) => [v, build(v, outdir)])) as Record<Variant, string>;

  const urls = {} as Record<Variant, URL>;
  let vpsId = 0;
  for (const variant of ['memory', 'd1', 'plain'] as const) {
    const { url, mf } = await start(variant, scripts[variant], null);
    started.push(mf);
    urls[variant] = url;
    vpsId = await seed(url);
  }
  const routes = (await benchRoutes(vpsId)).filter((r) => !args.routes || args.routes.split(',').includes(r.name));

  // The bare Worker and the floor answer what the real one answered (the memory variant's first
  // answer per route): the floor its headers too, the bare Worker only with --bare-headers.
  const answers: Record<string, { status: number; body: unknown; headers: [string, string][] }> = {};
  // Less what belongs to this fetch's transfer (Node's fetch asks for gzip; autocannon does not).
  const transfer = new Set(['content-length', 'content-encoding', 'transfer-encoding']);
  for (const route of routes) {
    const res = await send(urls.memory, route);
    answers[route.name] = { status: res.status, body: await res.json(), headers: [...res.headers].filter(([name]) => !transfer.has(name)) };
    if (res.status !== route.status) throw new Error(`${route.name}: expected ${route.status}, got ${res.status}: ${JSON.stringify(answers[route.name]!.body)}`);
  }
  const bareAnswers = Object.fromEntries(
    Object.entries(answers).map(([name, { headers, ...answer }]) => [name, args['bare-headers'] ? { ...answer, headers } : answer]),
  );
  for (const [variant, given] of [['bare', bareAnswers], ['floor', answers]] as const) {
    const { url, mf } = await start(variant, scripts[variant], given);
    started.push(mf);
    urls[variant] = url;
  }

  const machine = describeMachine();
  console.log(`${rounds} rounds x ${routes.length} routes x ${VARIANTS.length} Workers, ${duration} s each, ${connections} connections\n`);
  // Warm-up, not recorded: every route on every Worker once, so no variant measures its JIT's first minutes.
  for (const route of routes) for (const variant of VARIANTS) await load(urls[variant], route, Math.min(1, duration));
  const samples: Record<string, Record<Variant, autocannon.Result[]>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const route of routes) {
      // Rotate the order per round: no variant always runs first (or right after another's load).
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
      for (const variant of order) {
        const result = await load(urls[variant], route);
        ((samples[route.name] ??= { bare: [], floor: [], plain: [], memory: [], d1: [] })[variant]).push(result);
      }
    }
    console.log(`round ${round + 1}/${rounds} done`);
  }
  machine.loadAfter = loadavg();

  const cells: Cell[] = routes.flatMap((route) =>
    VARIANTS.map((variant) => {
      const results = samples[route.name]![variant];
      const { bare, floor, plain } = samples[route.name]!;
      const rps = median(results.map((r) => r.requests.average));
      return {
        route: route.name,
        label: route.label,
        variant,
        rps,
        p50: median(results.map((r) => r.latency.p50)),
        p99: median(results.map((r) => r.latency.p99)),
        // Per round, against the bare Worker measured next to it, then the median: a load change
        // on the shared machine between rounds moves both figures of a round alike.
        ...spread('ratio', results.map((r, i) => r.requests.average / bare[i]!.requests.average)),
        ...(variant === 'memory'
          ? {
              vsPlain: median(results.map((r, i) => r.requests.average / plain[i]!.requests.average)),
              ...spread('vsFloor', results.map((r, i) => r.requests.average / floor[i]!.requests.average)),
            }
          : {}),
        requests: results.reduce((n, r) => n + r.requests.total, 0),
      };
    }),
  );
  const { table, files } = writeReport(cells, machine, { duration, rounds, connections, bareHeaders: args['bare-headers'] }, !args['no-report']);
  console.log(`\n${table}`);
  if (files.length) console.log(`\nReport: ${files.join(', ')}`);
} finally {
  for (const mf of started) await mf.dispose();
  rmSync(outdir, { recursive: true, force: true });
}

function send(base: URL, route: Route): Promise<Response> {
  return fetch(new URL(route.path, base), {
    method: route.method,
    headers: { ...route.headers, 'X-Bench-Route': route.name },
    body: route.body?.(),
  });
}

/** One autocannon run; every answer must have the route's status, or the run is refused. */
async function load(base: URL, route: Route, seconds = duration): Promise<autocannon.Result> {
  const result = await autocannon({
    url: new URL(route.path, base).href,
    connections,
    duration: seconds,
    requests: [loadRequest(route)],
  });
  const statuses = Object.keys(result.statusCodeStats ?? {});
  if (result.errors || result.timeouts || statuses.some((s) => Number(s) !== route.status)) {
    throw new Error(`${route.name}: ${result.errors} errors, ${result.timeouts} timeouts, statuses ${statuses.join(',')} (expected ${route.status})`);
  }
  return result;
}

/** A ratio's median over the rounds and its range (`<name>Range`: the lowest and highest round). */
function spread<K extends 'ratio' | 'vsFloor'>(name: K, values: number[]) {
  return { [name]: median(values), [`${name}Range`]: [Math.min(...values), Math.max(...values)] } as Record<K, number> &
    Record<`${K}Range`, [number, number]>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
