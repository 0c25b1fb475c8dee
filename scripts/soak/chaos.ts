/**
 * The soak's outage schedule: healthy stretches, then one way of breaking the database side at
 * a time, then healthy again. Two places break: the PlanetScale-compatible endpoint (its fault
 * injection: HTTP 500, HTML 502, hanging, statements failing with a transient MySQL error or a
 * 500), and the MySQL server behind it (the TCP proxy refusing or black-holing it, so the
 * endpoint answers Unavailable or hangs).
 */
import type { PsHttpServer } from '../ps-http/server.js';
import type { Random } from './random.js';
import type { TcpProxy } from './tcp-proxy.js';

export interface ChaosLog {
  /** How many outages of each kind. */
  byKind: Map<string, number>;
  /** Total time something was broken, ms. */
  brokenMs: number;
}

interface Outage {
  kind: string;
  start(): Promise<void> | void;
}

const TRANSIENT_ERRNOS = [1213, 1205, 1040, 2013, 1290, 1836];
const STATEMENTS = ['^insert into vps ', '^update vps ', '^select', '^insert into idempotency_keys ', '^(update|delete from) idempotency_keys ', '^commit'];

function outages(endpoint: PsHttpServer, proxy: TcpProxy, random: Random): Outage[] {
  return [
    { kind: 'endpoint answers 500', start: () => endpoint.setFault({ mode: 'error500' }) },
    { kind: 'endpoint answers HTML 502', start: () => endpoint.setFault({ mode: 'html502' }) },
    { kind: 'endpoint hangs', start: () => endpoint.setFault({ mode: 'hang' }) },
    {
      kind: 'statements fail with a transient MySQL error',
      start: () => endpoint.setFault({ mode: 'mysql-error', errno: random.pick(TRANSIENT_ERRNOS), count: random.int(5, 40) }),
    },
    {
      kind: 'one kind of statement fails (500)',
      start: () => endpoint.setFault({ mode: 'error500', match: random.pick(STATEMENTS), count: random.int(3, 15) }),
    },
    { kind: 'MySQL refuses connections behind the endpoint', start: () => proxy.setMode('refuse') },
    { kind: 'MySQL unreachable (dead route) behind the endpoint', start: () => proxy.setMode('blackhole') },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Breaks and restores the database side until `until`, then leaves everything healthy. */
export async function runChaos(endpoint: PsHttpServer, proxy: TcpProxy, random: Random, until: number): Promise<ChaosLog> {
  const log: ChaosLog = { byKind: new Map(), brokenMs: 0 };
  const all = outages(endpoint, proxy, random);
  const restore = async () => {
    endpoint.setFault({ mode: 'none' });
    await proxy.setMode('open');
  };
  try {
    for (;;) {
      // Healthy stretches longer than the API's Retry-After (5 s), so retried events get through
      // between outages; outages long enough to catch every client mid-request.
      await sleep(Math.min(random.int(3000, 7000), Math.max(0, until - Date.now())));
      if (Date.now() >= until) break;
      const outage = random.pick(all);
      const length = Math.min(random.int(500, 2000), until - Date.now());
      const started = Date.now();
      await outage.start();
      await sleep(length);
      await restore();
      log.brokenMs += Date.now() - started;
      log.byKind.set(outage.kind, (log.byKind.get(outage.kind) ?? 0) + 1);
    }
  } finally {
    await restore();
  }
  return log;
}
