import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The bundle is what a Worker parses on every cold start. This builds it exactly as a
 * deploy would (wrangler, minified) and holds it to a budget. Both stores ship in it, since
 * the store is chosen at run time by binding; each runs SQL of its own (src/store/shared/
 * read-sql.ts and write-sql.ts, the stores' files), so no query builder ships: Drizzle stays a
 * dev-time tool (drizzle-kit's schema and migrations). zod/mini (about 39 KB minified), jose (HMAC
 * and JWKS, about 21 KB), hono/tiny (about 18 KB), PlanetScale's driver (about 9 KB), the served
 * OpenAPI document (about 4 KiB gzipped) and our code are the rest. zod's JSON Schema code is not in
 * it: the document is generated ahead. History: 80 KiB, 92 with JWKS and the signed sync channel,
 * 94.1 KiB measured with Drizzle for the writes (its SQLite and MySQL dialects and the pg-core part
 * its core pulls in: 138 KB of the 337 KB minified); with the writes in SQL, 58.9 KiB (196 KB
 * minified). A one-dialect build would now save 2.3 KiB (PlanetScale only) or 6.6 KiB (D1 only,
 * without the driver): not worth deploying a bundle one of the suites never ran (README, "Performance").
 */
const BUDGET_GZIP_BYTES = 62 * 1024;

const root = resolve(import.meta.dirname, '../..');
let outdir: string;
let bundle: string;
/** What went into the bundle (esbuild's metafile): module paths, node_modules/<package>/… included. */
let inputs: string[];

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'vps-sync-bundle-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--minify', '--outdir', outdir, '--metafile', join(outdir, 'meta.json'), '--env='], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
  inputs = Object.keys((JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('Worker bundle', () => {
  it(`stays within ${BUDGET_GZIP_BYTES / 1024} KiB gzipped`, () => {
    const gzipped = gzipSync(bundle, { level: 9 }).length;
    console.log(`bundle: ${bundle.length} bytes minified, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('leaves zod\'s JSON Schema generator out: the OpenAPI document is generated ahead', () => {
    expect(bundle).not.toContain('json-schema.org/draft');
  });

  it('ships no Drizzle: the stores run SQL of their own; the schema files are drizzle-kit\'s alone', () => {
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((path) => /drizzle-orm|src\/db\//.test(path))).toEqual([]);
    // Drizzle's entity markers (Symbol.for('drizzle:Name'), …) and its dialects' table kinds.
    expect(bundle).not.toMatch(/drizzle:|SQLiteTable|MySqlTable|PgTable/);
  });

  it('uses zod/mini, not classic zod (about 90 KiB gzipped more)', () => {
    // Classic zod's ZodType carries chainable methods such as .superRefine; zod/mini has none.
    expect(bundle).not.toMatch(/superRefine/);
  });
});
