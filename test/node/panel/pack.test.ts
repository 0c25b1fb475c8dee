import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_BINDINGS } from '../../bindings.js';
import { panelToken } from '../panel.js';
import { bundleImports, importsIn, packAndInstall, runInApp, tarballName, typecheckConsumer, unrecordedContent, type Packed } from '../packed.js';

/**
 * packages/panel as a panel frontend gets it: `npm pack` (npm run pack:panel), the tarball
 * installed into a fresh project, used from plain Node against the shared local Worker and
 * compiled against by a Vite-style TypeScript project.
 */
const workerUrl = inject('workerUrl');
const USER = 602;
let packed: Packed;

beforeAll(async () => {
  packed = await packAndInstall('panel');
}, 180_000);
afterAll(() => packed?.remove());

describe('npm pack of @vps-sync/panel', () => {
  it('ships exactly what shipped.json records for its version (new content, new version)', async () => {
    expect(await unrecordedContent('panel', packed)).toBe('');
  });

  it('names the tarball by the package name and version, and ships only dist, the README and the changelog', async () => {
    expect(packed.manifest.name).toBe('@vps-sync/panel');
    expect(packed.filename).toBe(tarballName(packed.manifest));
    expect(packed.manifest.scripts?.prepack).toBe('npm run build');
    expect(packed.files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f))).toEqual(['CHANGELOG.md', 'README.md', 'package.json']);
    const changelog = await readFile(join(packed.installed, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${packed.manifest.version.replaceAll('.', '\\.')}\\b`, 'm'));
  });

  it('has a README whose code imports the package by its own name', async () => {
    const readme = await readFile(join(packed.installed, 'README.md'), 'utf8');
    expect(importsIn(readme).filter((name) => name.includes('vps-sync'))).toEqual(['@vps-sync/panel']);
    expect(readme).not.toMatch(/['"]vps-sync\/panel['"]/);
  });

  it('is one ESM file that imports nothing (zod is there for the declarations only)', async () => {
    const bundle = await readFile(join(packed.installed, 'dist/index.js'), 'utf8');
    expect(bundleImports(bundle)).toEqual([]);
    expect(bundle).not.toMatch(/\brequire\(|process\.env|cloudflare:/);
  });

  it("lists the token owner's VPS from the Worker, and a refused token is a PanelAuthError", async () => {
    const create = await fetch(`${workerUrl}/api/vps/sync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
      body: JSON.stringify({
        action: 'create',
        vps: { user_id: USER, name: 'packed-panel-1', cpu: 1, ram: 1024, disk: 10, os: 'Debian 12', hypervisor: 'xen' },
      }),
    });
    expect(create.status).toBe(201);
    const script = `
      import { createPanelClient, PanelAuthError, PanelError } from '@vps-sync/panel';
      const api = createPanelClient({ baseUrl: process.env.WORKER_URL, getToken: () => process.env.TOKEN });
      const page = await api.listVps();
      const refused = await createPanelClient({ baseUrl: process.env.WORKER_URL, getToken: () => 'not-a-token' }).listVps().catch((e) => e);
      console.log(JSON.stringify({
        names: page.vps.map((v) => v.name), users: page.vps.map((v) => v.user_id), nextCursor: page.nextCursor,
        refused: { typed: refused instanceof PanelAuthError && refused instanceof PanelError, status: refused.status, code: refused.code },
      }));`;
    const result = await runInApp(packed.app, script, { WORKER_URL: workerUrl, TOKEN: await panelToken(USER) });
    expect(result).toEqual({
      names: ['packed-panel-1'],
      users: [USER],
      nextCursor: null,
      refused: { typed: true, status: 401, code: 'unauthorized' },
    });
  });

  it('has declarations a browser TypeScript project compiles against (the wrong calls in consumer.ts are type errors)', async () => {
    expect(await typecheckConsumer(packed.app)).toBe('');
  }, 60_000);
});
