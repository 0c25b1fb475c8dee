/**
 * `npm run build:client`: client/dist, what `import … from 'vps-sync/client'` loads.
 * One ESM file for any platform (Node, Bun, Workers), zod left to the importer's own copy (a
 * dependency of this package), and declarations that tsc derives from the same sources.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(root, 'client/dist');

export async function buildClient(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [resolve(root, 'client/index.ts')],
    outfile: resolve(outdir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['zod'],
    logLevel: 'warning',
  });
  // The client imports the Worker's schemas from src/, so tsc lays the declarations out from the
  // repository root (types/client/, types/src/contract/); index.d.ts is the entry that package.json names.
  await promisify(execFile)(
    resolve(root, 'node_modules/.bin/tsc'),
    ['-p', 'client', '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', resolve(outdir, 'types')],
    { cwd: root },
  );
  await writeFile(resolve(outdir, 'index.d.ts'), "export * from './types/client/index.js';\n");
}

if (process.argv[1] === import.meta.filename) await buildClient();
