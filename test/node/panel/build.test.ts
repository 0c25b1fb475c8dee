import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelConfig } from '../../../examples/panel/panel-config.js';
import { readDevVars, DEV_VARS, DEV_VARS_EXAMPLE } from '../../../scripts/dev-vars.js';
import { existsSync } from 'node:fs';
import { TEST_BINDINGS } from '../../bindings.js';

/**
 * `npm run panel:build` is what ships: it must carry the page and its configured Worker origin,
 * and nothing of the development sign-in (the /dev/token client, its bar, the signer, a secret).
 */
const WORKER_URL = 'https://vps-sync.example.test';
let outDir: string;
let files: Map<string, string>;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vps-sync-panel-build-'));
  await build({ ...panelConfig({ workerUrl: WORKER_URL }), logLevel: 'silent', mode: 'production', build: { outDir, emptyOutDir: true } });
  files = new Map();
  for (const name of await readdir(outDir, { recursive: true })) {
    if (/\.(js|css|html|map)$/.test(name)) files.set(name, await readFile(resolve(outDir, name), 'utf8'));
  }
}, 60_000);
afterAll(() => rm(outDir, { recursive: true, force: true }));

const everything = () => [...files.values()].join('\n');

describe('examples/panel production build', () => {
  it('is the page, pointed at the configured Worker', () => {
    expect([...files.keys()].some((name) => name.endsWith('.js'))).toBe(true);
    expect(files.get('index.html')).toContain('<title>My servers · Control panel</title>');
    const text = everything();
    expect(text).toContain(WORKER_URL);
    expect(text).toContain('Sign in again');
    // The production session: the SSO's token from sessionStorage.
    expect(text).toContain('vps-panel.token');
  });

  it('holds no development sign-in code and no secret', () => {
    const text = everything();
    for (const devOnly of ['/dev/token', 'dev-session', 'dev-bar', 'Switch user', 'Development', 'signDevToken', 'JWT_SECRET', 'localhost:5050']) {
      expect(text, devOnly).not.toContain(devOnly);
    }
    const secrets = [
      readDevVars(DEV_VARS_EXAMPLE).JWT_SECRET,
      readDevVars(DEV_VARS_EXAMPLE).VPS_SYNC_API_KEY,
      ...(existsSync(DEV_VARS) ? [readDevVars(DEV_VARS).JWT_SECRET, readDevVars(DEV_VARS).VPS_SYNC_API_KEY] : []),
      TEST_BINDINGS.JWT_SECRET,
      TEST_BINDINGS.VPS_SYNC_API_KEY,
    ].filter((s): s is string => Boolean(s));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) expect(text.includes(secret), 'a secret is in the build').toBe(false);
  });
});
