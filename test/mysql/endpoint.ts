import { inject } from 'vitest';

/** Control of the local PlanetScale-compatible endpoint from inside workerd. */
const url = new URL(inject('psUrl'));
const auth = `Basic ${btoa(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)}`;

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url.origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export type FaultMode = 'none' | 'hang' | 'html502' | 'error500';

/** Faults the next `count` requests (all, when omitted), or only the statements matching `match`. */
export const setFault = (mode: FaultMode, count?: number, match?: string) => control('/_sim/fault', { mode, count, match });

/**
 * Makes the next `count` statements (all, when omitted) fail with MySQL error `errno`, answered
 * as vttablet answers it (with the errno's own Vitess code, or `code`).
 */
export const failStatements = (errno: number, { count, code, match }: { count?: number; code?: string; match?: string } = {}) =>
  control('/_sim/fault', { mode: 'mysql-error', errno, code, count, match });

export interface EndpointStats {
  executes: number;
  statements: string[];
}
export const resetStats = () => control('/_sim/reset', {});
export const stats = () => control('/_sim/stats') as Promise<EndpointStats>;

/** An endpoint that is up, in front of a MySQL that is not (nothing listens at its port). */
export const mysqlDownUrl = () => inject('psDownUrl');

/** The endpoint's credentials at a closed port: nothing listens there. */
export const unreachableUrl = () => `http://${url.username}:${url.password}@127.0.0.1:1`;

/** The endpoint's address with a password it will refuse. */
export const wrongPasswordUrl = () => `http://${url.username}:wrong-password@${url.host}`;
