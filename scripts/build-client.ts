/**
 * `npm run build:client`: client/dist and panel/dist, what `import … from 'vps-sync/client'` and
 * `'vps-sync/panel'` load. One ESM file each (zod left to the importer's own copy), and
 * declarations that tsc derives from the same sources.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

/** Bundles `<dir>/index.ts` into `<dir>/dist/index.js` with its declarations. */
async function buildPackage(dir: 'client' | 'panel', platform: 'neutral' | 'browser'): Promise<void> {
  const outdir = resolve(root, dir, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [resolve(root, dir, 'index.ts')],
    outfile: resolve(outdir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    external: ['zod'],
    logLevel: 'warning',
  });
  // The package imports the contract from src/, so tsc lays the declarations out from the
  // repository root (types/<dir>/, types/src/contract/); index.d.ts is the entry package.json names.
  await promisify(execFile)(
    resolve(root, 'node_modules/.bin/tsc'),
    ['-p', dir, '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', resolve(outdir, 'types')],
    { cwd: root },
  );
  await writeFile(resolve(outdir, 'index.d.ts'), `export * from './types/${dir}/index.js';\n`);
}

/** The main site's sync client: any platform (Node, Bun, Workers). */
export const buildClient = () => buildPackage('client', 'neutral');

/** The panel frontend's client: browsers (and anything with fetch). */
export const buildPanel = () => buildPackage('panel', 'browser');

if (process.argv[1] === import.meta.filename) await Promise.all([buildClient(), buildPanel()]);
