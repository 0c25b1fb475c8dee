import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The bundle is what a Worker parses on every cold start. This builds it exactly as a
 * deploy would (wrangler, minified) and holds it to a budget. Both stores ship in it, since
 * the store is chosen at run time by binding: Drizzle's SQLite and MySQL dialects (with a
 * pg-core part Drizzle's own sql.js and relations.js pull in) are over a third of it; zod/mini,
 * hono, jose (HMAC and, since SSO tokens, JWKS: asymmetric keys and the remote key set), the
 * served OpenAPI document (about 4 KiB) and our code the rest. zod's JSON Schema code is not in
 * it: the document is generated ahead. The budget rose from 80 to 92 KiB with JWKS support
 * (about 6 KiB) and the signed sync channel, rate limits and access log (about 5 KiB). hono/tiny's
 * router and the read path in SQL took it to 87.2 KiB (README, "Performance"); the main site's
 * reads, paged reconcile and the per-change audit lines then added about 7 KiB (94.1 KiB
 * measured). Drizzle stays for the writes, and with it both dialects and the pg-core part. One
 * dialect per build would save about 11.4 KiB (PlanetScale only) at the price of deploying a
 * bundle the D1 suites never ran; 64 KiB needs Drizzle off the runtime (the writes in SQL of
 * their own, as the reads are).
 */
const BUDGET_GZIP_BYTES = 96 * 1024;

const root = resolve(import.meta.dirname, '../..');
let outdir: string;
let bundle: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'vps-sync-bundle-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--minify', '--outdir', outdir], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
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

  it('uses zod/mini, not classic zod (about 90 KiB gzipped more)', () => {
    // Classic zod's ZodType carries chainable methods such as .superRefine; zod/mini has none.
    expect(bundle).not.toMatch(/superRefine/);
  });
});
