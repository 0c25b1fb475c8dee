/** Timing and statement counting for the scale benchmark. */
import type { PsHttpServer } from '../../ps-http/server.ts';

export interface Latency {
  p50: number;
  p90: number;
  n: number;
}

/** Runs `op` `warmup` times untimed, then `n` times; milliseconds. */
export async function latency(op: (i: number) => Promise<unknown>, n: number, warmup = Math.min(20, n)): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await op(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(warmup + i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => round(samples[Math.min(samples.length - 1, Math.floor(samples.length * p))]!);
  return { p50: at(0.5), p90: at(0.9), n };
}

export interface Statements {
  /** SQL statements the endpoint ran (Execute requests). */
  statements: number;
  /** HTTP requests to the endpoint: statements plus the session a transaction opens. */
  roundTrips: number;
}

/** What `op` cost at the endpoint. */
export async function statementsOf(endpoint: PsHttpServer, op: () => Promise<unknown>): Promise<Statements> {
  endpoint.resetStats();
  await op();
  const stats = endpoint.stats();
  return { statements: stats.executes, roundTrips: stats.executes + stats.createSessions };
}

export const round = (ms: number) => Math.round(ms * 100) / 100;
