/**
 * The five Workers of the benchmark, each bundled by wrangler as `npm run build` bundles the
 * Worker (minified, the same esbuild settings) and run in its own Miniflare (workerd):
 *  - bare:   scripts/bench/worker-bare.ts, the same JSON with no auth and no database;
 *  - floor:  scripts/bench/worker-floor.ts, Hono answering the app's JSON and headers, nothing else;
 *  - plain:  scripts/bench/worker-plain.ts, the straightforward Hono + jose + zod Worker, in memory;
 *  - memory: scripts/bench/worker-memory.ts, the app on in-memory stores (the database taken out);
 *  - d1:     src/index.ts's Worker (scripts/bench/worker-d1.ts), on a local D1 database with the
 *            migrations applied.
 * The two app Workers build their log lines but do not write them (quiet-console.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { TEST_BINDINGS } from '../../test/bindings.js';

export const VARIANTS = ['bare', 'floor', 'plain', 'memory', 'd1'] as const;
export type Variant = (typeof VARIANTS)[number];

const root = resolve(import.meta.dirname, '../..');
const ENTRIES: Record<Variant, string> = {
  bare: 'scripts/bench/worker-bare.ts',
  floor: 'scripts/bench/worker-floor.ts',
  plain: 'scripts/bench/worker-plain.ts',
  memory: 'scripts/bench/worker-memory.ts',
  d1: 'scripts/bench/worker-d1.ts',
};

/** Bundles `entry` with the project's wrangler configuration, as `npm run build` does; returns the script path. */
export function build(variant: Variant, outdir: string): string {
  const dir = join(outdir, variant);
  execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', ENTRIES[variant], '--dry-run', '--minify', '--outdir', dir, '--env='], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  // wrangler names the output after the entry.
  return join(dir, `${basename(ENTRIES[variant], '.ts')}.js`);
}

const compatibilityDate = /"compatibility_date":\s*"([^"]+)"/.exec(readFileSync(join(root, 'wrangler.jsonc'), 'utf8'))![1]!;

/** The D1 migrations (drizzle-kit's files), statement by statement. */
function migrationStatements(): string[] {
  const dir = join(root, 'drizzle/sqlite');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Starts the variant's Worker on a loopback port. The test bindings (secrets this repository
 * ships, accepted in ENVIRONMENT=test) and no rate limiter: a missing limiter leaves the route
 * unlimited, and a benchmark measures the Worker, not the limit. Log lines are built and written
 * by the Worker as in production, then dropped here.
 */
export async function start(
  variant: Variant,
  scriptPath: string,
  answers: unknown,
  { inspectorPort }: { inspectorPort?: number } = {},
): Promise<{ url: URL; mf: Miniflare }> {
  // Miniflare 5 takes its configuration in a new shape; its converter takes the documented one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      handleStructuredLogs: () => {},
      // Miniflare's own request log (on by default) copies every answer, headers and all, to log
      // a line this run would drop: a cost of the dev server, not of a Worker, so it is off.
      logRequests: false,
      // The inspector lists the Worker under this name (scripts/bench/profile.ts).
      name: variant,
      modules: true,
      scriptPath,
      // Module names are relative to this; workerd refuses a '..' out of it (the build is in a temp dir).
      modulesRoot: dirname(scriptPath),
      compatibilityDate,
      bindings: variant === 'bare' || variant === 'floor' ? { BENCH_ANSWERS: JSON.stringify(answers) } : { ...TEST_BINDINGS },
      ...(variant === 'd1' ? { d1Databases: { DB: 'vps-sync-bench' } } : {}),
    }),
  );
  const url = await mf.ready;
  if (variant === 'd1') {
    const db = await mf.getD1Database('DB');
    for (const statement of migrationStatements()) await db.prepare(statement).run();
  }
  return { url, mf };
}
