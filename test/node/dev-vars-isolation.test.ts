/**
 * `npm test` never reads the developer's .dev.vars: a copy of the project whose .dev.vars
 * points at another database, another algorithm, a short previous key and a foreign origin
 * runs the suite's binding check (test/worker/bindings.test.ts) and a real request path
 * unchanged.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const HOSTILE = [
  'DATABASE_URL=http://user:pw@127.0.0.1:1/db',
  'JWT_ALGORITHMS=HS512',
  'JWT_JWKS_URL=http://127.0.0.1:1/jwks.json',
  'JWT_USER_ID_CLAIM=sub',
  'VPS_SYNC_API_KEY_PREVIOUS=short',
  'CORS_ORIGINS=http://evil.example',
  'JWT_SECRET=another-secret-0123456789abcdef0123456789',
  'VPS_SYNC_API_KEY=another-key-0123456789abcdef0123456789ab',
].join('\n');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vps-sync-devvars-'));
  for (const entry of ['src', 'test', 'drizzle', 'wrangler.jsonc', 'vitest.config.ts', 'package.json', 'tsconfig.json', 'worker-configuration.d.ts']) {
    await cp(join(root, entry), join(dir, entry), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, '.dev.vars'), `${HOSTILE}\n`);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a hostile .dev.vars', () => {
  it('changes nothing the worker suites see', async () => {
    const files = ['test/worker/bindings.test.ts', 'test/worker/sync-auth.test.ts', 'test/worker/list-auth.test.ts'];
    const run = await promisify(execFile)(join(dir, 'node_modules/.bin/vitest'), ['run', '--project', 'worker', ...files], {
      cwd: dir,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '', failed: true }));
    const output = `${run.stdout}\n${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    // The hostile file was there and read, and every suite still passed.
    expect(output).toContain('Using secrets defined in .dev.vars');
    expect(output, output).toMatch(/Test Files\s+3 passed \(3\)/);
    expect('failed' in run).toBe(false);
  }, 120_000);
});
