/** The scale benchmark's report: printed, and written as dated Markdown and JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Latency, Statements } from './measure.js';

export interface Machine {
  cpu: string;
  cores: number;
  memory_gb: number;
  node: string;
  mysql: string;
  load_average_before: number[];
  load_average_after?: number[];
}

export interface SizeResult {
  rows: number;
  fill_ms: number;
  list: Latency;
  /** A round trip that reads nothing (SELECT 1), timed in turn with the listing. */
  ping: Latency;
  list_over_ping: number;
  get: Latency;
  /** The index MySQL's EXPLAIN names for the listing query. */
  list_index: string | null;
  /** The rows EXPLAIN expects the listing to read: the user's, whatever the table's size. */
  list_rows_read: number | null;
  reconcile: { items: number; first_ms: number; steady: Latency }[];
}

export interface ScaleReport {
  date: string;
  machine: Machine;
  statements: Record<string, Statements & { before_answer?: number }>;
  sizes: SizeResult[];
  /** Listing p50 at the largest size over the smallest: about 1 when the listing stays flat. */
  list_ratio: number;
  /** The same with each p50 over the ping's: what `flat` is decided on, less moved by the machine's load. */
  list_ratio_vs_ping: number;
  max_ratio: number;
  flat: boolean;
  /** The whole run, filling included. */
  elapsed_s: number;
}

export function describeMachine(mysqlVersion: string): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mysql: mysqlVersion,
    load_average_before: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const n = (rows: number) => rows.toLocaleString('en-US');

export function markdown(r: ScaleReport): string {
  const m = r.machine;
  const lines = [
    `# npm run bench:scale — ${r.date}`,
    '',
    `The PlanetScale path in Node: the Worker's store code and the @planetscale/database driver, through`,
    `scripts/ps-http to ${m.mysql} on this machine (${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Node ${m.node};`,
    `load average ${m.load_average_before.join(' ')} before, ${m.load_average_after?.join(' ') ?? '?'} after: a shared machine). The run took ${r.elapsed_s} s.`,
    'Latencies are local round trips, not the edge-to-PlanetScale ones: compare them with each other.',
    '',
    '## Statements per operation',
    '',
    '| operation | statements | HTTP round trips | before the answer |',
    '|---|---:|---:|---:|',
    ...Object.entries(r.statements).map(([op, s]) => `| ${op} | ${s.statements} | ${s.roundTrips} | ${s.before_answer ?? s.roundTrips} |`),
    '',
    '## Listing and reading as the table grows',
    '',
    `The measured user owns 20 VPS; the other rows belong to other users (20 each, every tenth deleted).`,
    '',
    '| rows in vps | fill | list p50 / p90 | SELECT 1 p50 | list / SELECT 1 | get p50 / p90 | listing index (EXPLAIN) | rows it reads (EXPLAIN) |',
    '|---:|---:|---:|---:|---:|---:|---|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${n(s.rows)} | ${(s.fill_ms / 1000).toFixed(1)} s | ${s.list.p50} / ${s.list.p90} ms | ${s.ping.p50} ms | ${s.list_over_ping} | ${s.get.p50} / ${s.get.p90} ms | ${s.list_index ?? '—'} | ${s.list_rows_read ?? '—'} |`,
    ),
    '',
    `Listing p50 at ${n(r.sizes.at(-1)!.rows)} rows / at ${n(r.sizes[0]!.rows)} rows = **${r.list_ratio}**; ` +
      `each over its SELECT 1 = **${r.list_ratio_vs_ping}** (${r.flat ? 'flat' : 'NOT flat'}: the limit is ${r.max_ratio}).`,
    'The listing and a SELECT 1 are timed in turn: the machine is shared, and its load moves the p50s more than the table size.',
    '',
    '## Reconcile',
    '',
    'First: every item created. Steady: a tenth of the items changed (newer version), the rest unchanged.',
    '',
    '| rows in vps | items | first | steady p50 / p90 |',
    '|---:|---:|---:|---:|',
    ...r.sizes.flatMap((s) => s.reconcile.map((c) => `| ${n(s.rows)} | ${c.items} | ${c.first_ms} ms | ${c.steady.p50} / ${c.steady.p90} ms |`)),
    '',
  ];
  return lines.join('\n');
}

/** Writes `<dir>/scale-<date>.md` and `.json`; returns their paths. */
export function writeReport(dir: string, report: ScaleReport): string[] {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `scale-${report.date.slice(0, 10)}`);
  writeFileSync(`${base}.md`, markdown(report));
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  return [`${base}.md`, `${base}.json`];
}
