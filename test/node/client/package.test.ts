import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * client/dist (built by the node project's global setup) as another project gets it:
 * `import … from 'vps-sync/client'` through package.json "exports", in plain Node, and
 * its declarations under nodenext resolution.
 */
const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe('vps-sync/client', () => {
  it('imports in plain Node and refuses a bad input with the bundled schemas, sending nothing', async () => {
    const script = `
      import { createVpsSyncClient, VpsSyncValidationError } from 'vps-sync/client';
      let sent = 0;
      const client = createVpsSyncClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', fetch: async () => { sent++; throw new Error('sent'); } });
      const err = await client.createVps({ userId: 5, name: 'a', cpu: 0, ramGb: 1, diskGb: 1, os: 'x', hypervisor: 'kvm' }).catch((e) => e);
      console.log(JSON.stringify({ name: err.name, validation: err instanceof VpsSyncValidationError, errors: err.errors, sent }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      name: 'VpsSyncValidationError',
      validation: true,
      errors: [{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }],
      sent: 0,
    });
  });

  it('is one platform-neutral ESM file whose only import is zod', async () => {
    const bundle = await readFile(resolve(root, 'client/dist/index.js'), 'utf8');
    const imports = new Set([...bundle.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]));
    expect([...imports]).toEqual(['zod/mini']);
    expect(bundle).not.toMatch(/\brequire\(|from ["']node:|process\.env/);
  });

  it('has declarations a nodenext project resolves (the wrong calls in consumer.ts are type errors)', async () => {
    const tsc = resolve(root, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', resolve(import.meta.dirname, 'consumer')], { cwd: root }).catch(
      (err: { stdout: string }) => err,
    );
    expect(result.stdout).toBe('');
  }, 30_000);
});
