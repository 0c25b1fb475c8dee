/** The benchmark's table and its dated report (docs/bench/<date>.md and .json). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Variant } from './workers.js';

export interface Cell {
  route: string;
  label: string;
  variant: Variant;
  /** Median over the rounds of the mean requests/s. */
  rps: number;
  p50: number;
  p99: number;
  /** Median over the rounds of rps / the bare Worker's rps on the same route in the same round. */
  ratio: number;
  /** The lowest and the highest of those rounds' ratios: how far one round can be from the median. */
  ratioRange: [number, number];
  /** The in-memory app only: the same, against the straightforward Worker (also in memory). */
  vsPlain?: number;
  /** The in-memory app only: the same, against Hono answering the app's JSON and headers (the floor). */
  vsFloor?: number;
  vsFloorRange?: [number, number];
  requests: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  workerd: string;
  loadBefore: number[];
  loadAfter?: number[];
}

const root = resolve(import.meta.dirname, '../..');

export function describeMachine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    workerd: `miniflare ${(JSON.parse(readFileSync(join(root, 'node_modules/miniflare/package.json'), 'utf8')) as { version: string }).version}`,
    loadBefore: loadavg(),
  };
}

const VARIANT_LABEL: Record<Variant, string> = {
  bare: 'bare Worker',
  floor: "Hono answering the app's JSON and headers",
  plain: 'straightforward Hono + jose + zod, in memory',
  memory: 'app, in-memory store',
  d1: 'app, local D1',
};

/** `0.81× (0.76–0.85)`: the median ratio and, with more than one round, the rounds' range. */
const ratio = (median: number, [low, high]: [number, number]) =>
  `${median.toFixed(2)}×${low === high ? '' : ` (${low.toFixed(2)}–${high.toFixed(2)})`}`;

function markdownTable(cells: Cell[]): string {
  const rows = cells.map(
    (c) =>
      `| ${c.label} | ${VARIANT_LABEL[c.variant]} | ${c.rps.toFixed(0)} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${c.variant === 'bare' ? '1×' : ratio(c.ratio, c.ratioRange)} | ${c.vsPlain === undefined ? '' : `${c.vsPlain.toFixed(2)}×`} | ${c.vsFloor === undefined ? '' : ratio(c.vsFloor, c.vsFloorRange!)} |`,
  );
  return [
    '| route | Worker | requests/s | p50 ms | p99 ms | vs bare (rounds\' range) | vs straightforward | vs Hono + headers (range) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

export function writeReport(
  cells: Cell[],
  machine: Machine,
  settings: { duration: number; rounds: number; connections: number; bareHeaders: boolean },
  write: boolean,
): { table: string; files: string[] } {
  const table = markdownTable(cells);
  if (!write) return { table, files: [] };
  // 2026-11-30-2217 (UTC): sorts by date, one file per run.
  const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const dir = join(root, 'docs/bench');
  mkdirSync(dir, { recursive: true });
  const load = (l?: number[]) => (l ? l.map((x) => x.toFixed(2)).join(' ') : '?');
  const markdown = [
    `# Benchmark ${stamp}`,
    '',
    `\`npm run bench\`: ${settings.rounds} rounds, ${settings.duration} s per cell, ${settings.connections} connections (autocannon), variants alternated per round; each figure is the median of its rounds, each ratio the median of the rounds' ratios to the bare Worker, with the lowest and highest round in brackets (and, for the app in memory, to the straightforward Hono + jose + zod Worker in memory and to Hono answering the app's JSON and headers).${settings.bareHeaders ? " The bare Worker answered each route's headers as the app does (`--bare-headers`), not only its JSON." : ''}`,
    '',
    `Machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; ${machine.workerd}. Load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after (a shared machine: compare ratios, not absolute figures).`,
    '',
    table,
    '',
  ].join('\n');
  const files = [join(dir, `${stamp}.md`), join(dir, `${stamp}.json`)];
  writeFileSync(files[0]!, markdown);
  writeFileSync(files[1]!, `${JSON.stringify({ date: new Date().toISOString(), settings, machine, cells }, null, 2)}\n`);
  return { table, files };
}
