/**
 * `npm run build` of a package under packages/ (also its `prepack`, so `npm pack` always ships a
 * fresh build): <package>/dist/index.js, one ESM file with the wire contract (src/contract) bundled
 * in and zod left to the package's own dependency, and the declarations tsc derives from the same
 * sources. npm runs it in the package's directory:
 *   tsx ../../scripts/build-package.ts <neutral|browser>
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const platforms = ['neutral', 'browser'] as const;
type Platform = (typeof platforms)[number];

/** Bundles `<dir>/index.ts` into `<dir>/dist/index.js` with its declarations. */
export async function buildPackage(dir: string, platform: Platform): Promise<void> {
  const outdir = resolve(dir, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [resolve(dir, 'index.ts')],
    outfile: resolve(outdir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    external: ['zod'],
    logLevel: 'warning',
  });
  // The package imports the contract from src/, so the declarations keep the repository's layout
  // (types/packages/<name>/, types/src/contract/); index.d.ts is the entry package.json names.
  await promisify(execFile)(
    resolve(root, 'node_modules/.bin/tsc'),
    ['-p', dir, '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--rootDir', root, '--outDir', resolve(outdir, 'types')],
    { cwd: root },
  );
  await writeFile(resolve(outdir, 'index.d.ts'), `export * from './types/${relative(root, dir)}/index.js';\n`);
}

if (process.argv[1] === import.meta.filename) {
  const platform = process.argv[2] as Platform;
  if (!platforms.includes(platform)) throw new Error(`usage: build-package.ts <${platforms.join('|')}>, in the package's directory`);
  await buildPackage(process.cwd(), platform);
}
