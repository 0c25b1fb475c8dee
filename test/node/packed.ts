/**
 * A package of packages/ as a project outside this repository gets it: `npm pack` into a
 * temporary directory, then `npm install <tarball>` into a fresh project next to it, which has
 * nothing of this repository. The node project's global setup has built the package's dist with
 * its own `npm run build` (what its prepack runs); packing here skips the prepack so that no test
 * rebuilds a dist another test is reading.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { distFingerprint, readShipped } from '../../scripts/package-content.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

export interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Packed {
  /** packages/<dir>/package.json. */
  manifest: Manifest;
  /** The tarball's file name, as npm pack chose it. */
  filename: string;
  /** Every path in the tarball. */
  files: string[];
  /** The fresh project the tarball is installed in. */
  app: string;
  /** The installed package's directory (app/node_modules/<name>). */
  installed: string;
  /** Removes the temporary directories. */
  remove: () => Promise<void>;
}

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, 'utf8')) as T;

/** The file name npm gives a package's tarball: `@scope/name` 1.2.3 -> scope-name-1.2.3.tgz. */
export const tarballName = ({ name, version }: Manifest) => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

/** `npm pack` of `dir` into `out`: the tarball's path and what npm reports of it. */
async function pack(dir: string, out: string): Promise<{ path: string; files: { path: string }[] }> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir });
  const [report] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { path: join(out, report.filename), files: report.files };
}

/**
 * Packs packages/<dir> and installs the tarball, with `alongside` (packages of this repository's
 * node_modules the consumer also installs, e.g. its own @types/node), into a fresh project.
 * The package's dependencies (zod) and `alongside` are packed from this repository's
 * node_modules, the versions its lockfile holds, and npm installs offline: no registry needed.
 */
export async function packAndInstall(dir: 'client' | 'panel', alongside: string[] = []): Promise<Packed> {
  const out = await mkdtemp(join(tmpdir(), `vps-sync-pack-${dir}-`));
  const remove = () => rm(out, { recursive: true, force: true });
  try {
    const manifest = await readJson<Manifest>(resolve(root, 'packages', dir, 'package.json'));
    const packed = await pack(resolve(root, 'packages', dir), out);
    const local = await Promise.all([...Object.keys(manifest.dependencies ?? {}), ...alongside].map((name) => pack(resolve(root, 'node_modules', name), out)));
    const app = join(out, 'app');
    await cp(resolve(import.meta.dirname, dir, 'consumer'), app, { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const install = ['install', packed.path, ...local.map((t) => t.path), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'];
    await run('npm', install, { cwd: app });
    return {
      manifest,
      filename: basename(packed.path),
      files: packed.files.map((f) => f.path).sort(),
      app,
      installed: join(app, 'node_modules', manifest.name),
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** Runs an ES module script in the fresh project with plain Node; its one line of JSON output, parsed. */
export async function runInApp(app: string, script: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: { ...process.env, ...env } });
  return JSON.parse(stdout);
}

/** tsc over the fresh project's consumer.ts and tsconfig.json (copied from <dir>/consumer); its output, '' when clean. */
export async function typecheckConsumer(app: string): Promise<string> {
  const tsc = resolve(root, 'node_modules/.bin/tsc');
  const result = await run(tsc, ['-p', app], { cwd: app }).catch((err: { stdout: string }) => err);
  return result.stdout;
}

/** The package names a README's code imports (`from '…'`, `import('…')`, `require('…')`), relative paths aside. */
export const importsIn = (readme: string) =>
  [...new Set([...readme.matchAll(/(?:from |import\(|require\()'([^'.][^']*)'/g)].map((m) => m[1]!))].sort();

/** The modules an ESM bundle imports. */
export const bundleImports = (bundle: string) =>
  [...new Set([...bundle.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]!))].sort();

/**
 * Why the installed package's dist does not match packages/<dir>/shipped.json, or '' when it
 * does: content that changed needs a new version (a tarball's name must stand for one content).
 */
export async function unrecordedContent(dir: 'client' | 'panel', packed: Packed): Promise<string> {
  const shipped = await readShipped(dir);
  const fingerprint = await distFingerprint(packed.installed);
  const { version } = packed.manifest;
  if (shipped.version === version && shipped.dist_sha256 === fingerprint) return '';
  if (shipped.version === version) {
    return `packages/${dir} ships other content than its version ${version} did: bump the version in package.json, add it to CHANGELOG.md, then npm run packages:record`;
  }
  return `packages/${dir} is now ${version} but shipped.json records ${shipped.version}: npm run packages:record`;
}
