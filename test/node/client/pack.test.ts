import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_BINDINGS } from '../../bindings.js';
import { bundleImports, importsIn, packAndInstall, runInApp, tarballName, typecheckConsumer, unrecordedContent, type Packed } from '../packed.js';

/**
 * packages/client as a main site gets it: `npm pack` (npm run pack:client), then the tarball
 * installed into a fresh project with nothing of this repository, used from plain Node against the
 * shared local Worker and compiled against by a TypeScript project. The tarball is named by the
 * package's version, so changed content under a new version is a new file: a cached 0.1.0 is never
 * taken for it (the old script named every tarball by the root package's version).
 */
const workerUrl = inject('workerUrl');
let packed: Packed;

beforeAll(async () => {
  // A Node project's own @types/node (and its one dependency), as consumer/tsconfig.json expects.
  packed = await packAndInstall('client', ['@types/node', 'undici-types']);
}, 180_000);
afterAll(() => packed?.remove());

describe('npm pack of @vps-sync/client', () => {
  it('ships exactly what shipped.json records for its version (new content, new version)', async () => {
    expect(await unrecordedContent('client', packed)).toBe('');
  });

  it('names the tarball by the package name and version, and ships only dist, the README and the changelog', async () => {
    expect(packed.manifest.name).toBe('@vps-sync/client');
    expect(packed.filename).toBe(tarballName(packed.manifest));
    expect(packed.filename).toMatch(/^vps-sync-client-\d+\.\d+\.\d+\.tgz$/);
    const installed = JSON.parse(await readFile(join(packed.installed, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(packed.manifest.version);
    expect(packed.manifest.scripts?.prepack).toBe('npm run build');
    expect(packed.files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f))).toEqual(['CHANGELOG.md', 'README.md', 'package.json']);
    expect(packed.files).toContain('dist/index.js');
    expect(packed.files).toContain('dist/index.d.ts');
  });

  it('has a changelog entry for its version', async () => {
    const changelog = await readFile(join(packed.installed, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${packed.manifest.version.replaceAll('.', '\\.')}\\b`, 'm'));
  });

  it("has a README whose code imports the package by its own name", async () => {
    const readme = await readFile(join(packed.installed, 'README.md'), 'utf8');
    expect(importsIn(readme).filter((name) => name.includes('vps-sync'))).toEqual(['@vps-sync/client']);
    expect(readme).not.toMatch(/['"]vps-sync(\/client|-client)['"]/);
  });

  it('depends on zod alone and is one platform-neutral ESM file that imports only zod/mini', async () => {
    const installed = JSON.parse(await readFile(join(packed.installed, 'package.json'), 'utf8')) as { dependencies: object };
    expect(Object.keys(installed.dependencies)).toEqual(['zod']);
    const bundle = await readFile(join(packed.installed, 'dist/index.js'), 'utf8');
    expect(bundleImports(bundle)).toEqual(['zod/mini']);
    expect(bundle).not.toMatch(/\brequire\(|from ["']node:|process\.env|cloudflare:/);
  });

  it('creates a VPS on the Worker from plain Node, and fails with typed errors locally and from the server', async () => {
    const script = `
      import { createVpsSyncClient, VpsSyncConflictError, VpsSyncError, VpsSyncValidationError } from '@vps-sync/client';
      let sent = 0;
      const fetch = (url, init) => { sent++; return globalThis.fetch(url, init); };
      const client = createVpsSyncClient({ baseUrl: process.env.WORKER_URL, apiKey: process.env.API_KEY, fetch, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
      const order = { userId: 601, externalId: 'packed-order-1', name: 'packed-1', cpu: 2, ramGb: 2, diskGb: 50, os: 'Ubuntu 22.04 LTS', hypervisor: 'kvm' };
      const local = await client.createVps({ ...order, cpu: 0 }).catch((e) => e);
      const sentBefore = sent;
      const created = await client.createVps(order);
      const conflict = await client.createVps({ ...order, cpu: 4 }).catch((e) => e);
      console.log(JSON.stringify({
        local: { validation: local instanceof VpsSyncValidationError, local: local.local, errors: local.errors, sent: sentBefore },
        created: { applied: created.applied, outcome: created.outcome, userId: created.vps.userId, externalId: created.vps.externalId, ramMb: created.vps.ramMb },
        conflict: { typed: conflict instanceof VpsSyncConflictError && conflict instanceof VpsSyncError, name: conflict.name,
                    status: conflict.status, code: conflict.code, requestId: typeof conflict.requestId },
      }));`;
    const result = await runInApp(packed.app, script, { WORKER_URL: workerUrl, API_KEY: TEST_BINDINGS.VPS_SYNC_API_KEY });
    expect(result).toEqual({
      local: { validation: true, local: true, errors: [{ field: 'vps.cpu', message: 'must be an integer between 1 and 1024' }], sent: 0 },
      created: { applied: true, outcome: 'created', userId: 601, externalId: 'packed-order-1', ramMb: 2048 },
      conflict: { typed: true, name: 'VpsSyncConflictError', status: 409, code: 'external_id_conflict', requestId: 'string' },
    });
  });

  it('has declarations a nodenext TypeScript project compiles against (the wrong calls in consumer.ts are type errors)', async () => {
    expect(await typecheckConsumer(packed.app)).toBe('');
  }, 60_000);
});
