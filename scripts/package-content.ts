/**
 * What a package under packages/ ships, as one fingerprint: sha256 over its dist/ files (path
 * and bytes, in path order). `packages/<name>/shipped.json` records it with the version that
 * ships it, and the pack tests compare: content that changes under an unchanged version fails,
 * since a tarball named by a version must always hold the same thing (a cached copy of
 * `vps-sync-client-0.2.0.tgz` is taken for any other with that name).
 *
 *   npm run packages:record    build both packages and record what each version ships
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

export const PACKAGES = ['client', 'panel'] as const;
const root = resolve(import.meta.dirname, '..');

export interface Shipped {
  version: string;
  dist_sha256: string;
}

/** sha256 of `<dir>/dist`: every file's path (relative to dir, '/'-separated) and bytes, sorted by path. */
export async function distFingerprint(dir: string): Promise<string> {
  const dist = join(dir, 'dist');
  const files = (await readdir(dist, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export const shippedPath = (name: (typeof PACKAGES)[number]) => resolve(root, 'packages', name, 'shipped.json');

export async function readShipped(name: (typeof PACKAGES)[number]): Promise<Shipped> {
  return JSON.parse(await readFile(shippedPath(name), 'utf8')) as Shipped;
}

if (process.argv[1] === import.meta.filename) {
  for (const name of PACKAGES) {
    const dir = resolve(root, 'packages', name);
    await promisify(execFile)('npm', ['run', 'build', '-w', `packages/${name}`], { cwd: root });
    const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string };
    const shipped: Shipped = { version, dist_sha256: await distFingerprint(dir) };
    const before = await readShipped(name).catch(() => undefined);
    if (before && before.version === version && before.dist_sha256 !== shipped.dist_sha256) {
      console.error(`packages/${name}: its content changed but its version is still ${version}: bump it in package.json and CHANGELOG.md first.`);
      process.exitCode = 1;
      continue;
    }
    await writeFile(shippedPath(name), `${JSON.stringify(shipped, null, 2)}\n`);
    console.log(`packages/${name} ${version}: ${shipped.dist_sha256}`);
  }
}
