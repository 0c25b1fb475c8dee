/** Timing and statement counting for the scale benchmark. */
import type { PsHttpServer } from '../../ps-http/server.js';

export interface Latency {
  p50: number;
  p90: number;
  n: number;
}

/** Runs `op` `warmup` times untimed, then `n` times; milliseconds. */
export async function latency(op: (i: number) => Promise<unknown>, n: number, warmup?: number): Promise<Latency>;
/** The same, with the even and the odd samples apart as well (two operations run in turn). */
export async function latency(op: (i: number) => Promise<unknown>, n: number, warmup: number, split: true): Promise<Latency & { even: Latency; odd: Latency }>;
export async function latency(op: (i: number) => Promise<unknown>, n: number, warmup = Math.min(20, n), split = false) {
  for (let i = 0; i < warmup; i++) await op(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(warmup + i);
    samples.push(performance.now() - t0);
  }
  const all = summary(samples);
  if (!split) return all;
  return { ...all, even: summary(samples.filter((_, i) => i % 2 === 0)), odd: summary(samples.filter((_, i) => i % 2 === 1)) };
}

function summary(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!);
  return { p50: at(0.5), p90: at(0.9), n: sorted.length };
}

/**
 * `op` and `baseline` in turn, so both see the same machine: on a shared machine, load moves
 * more than the table size does, and op's p50 over baseline's cancels most of it.
 */
export async function latencyAgainst(
  op: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  n: number,
  warmup: number,
): Promise<{ op: Latency; baseline: Latency }> {
  let turn = 0;
  const both = await latency(() => (turn++ % 2 === 0 ? op() : baseline()), 2 * n, 2 * warmup, true);
  return { op: both.even!, baseline: both.odd! };
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
