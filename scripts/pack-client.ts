/**
 * `npm run pack:client`: the client as a package of its own, for a main site outside this
 * repository: dist/vps-sync-client-<version>.tgz, whose only dependency is zod. Install it with
 * `npm install ./vps-sync-client-<version>.tgz` and `import … from 'vps-sync-client'`.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildClient } from './build-client.ts';

const root = resolve(import.meta.dirname, '..');

/**
 * Builds the client and packs it; returns the tarball's path. `build: false` packs the client/dist
 * that is already there (the tests' global setup has just built it).
 */
export async function packClient(outdir = resolve(root, 'dist'), { build = true } = {}): Promise<string> {
  if (build) await buildClient();
  const project = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  const staging = await mkdtemp(join(tmpdir(), 'vps-sync-client-'));
  try {
    await cp(resolve(root, 'client/dist'), join(staging, 'dist'), { recursive: true });
    await cp(resolve(root, 'client/README.md'), join(staging, 'README.md'));
    const manifest = {
      name: 'vps-sync-client',
      version: project.version,
      description: "The main site's client of the vps-sync API (POST /api/vps/sync): typed, validated, retried, idempotent.",
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist', 'README.md'],
      // The client's own floor, not the repository's toolchain (which needs Node 22.12+).
      engines: { node: '>=20.3.0' },
      // The bundle leaves zod/mini to the importer: the same zod major as the Worker validates with.
      dependencies: { zod: `^${project.dependencies.zod}` },
    };
    await writeFile(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mkdir(outdir, { recursive: true });
    const { stdout } = await promisify(execFile)('npm', ['pack', '--silent', '--pack-destination', outdir], { cwd: staging });
    return join(outdir, stdout.trim().split('\n').pop()!);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) console.log(await packClient());
