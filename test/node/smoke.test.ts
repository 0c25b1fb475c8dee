/**
 * `npm run smoke` against a local Worker that calls itself production (with its own secrets, as a
 * deployment has them): every step's line, the refusals, and that nothing is left behind.
 * No network beyond loopback: the URLs it must refuse are refused before any request, which a
 * fetch that records its calls proves.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeCommand } from '../../scripts/smoke/command.js';
import { DEFAULT_SMOKE_USER_ID } from '../../scripts/smoke/steps.js';
import { TEST_BINDINGS } from '../bindings.js';
import { startLocalWorker, type LocalWorker } from './local-worker.js';

const root = resolve(import.meta.dirname, '../..');
const secret = () => randomBytes(32).toString('hex');
const API_KEY = secret();
const JWT_SECRET = secret();
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const credentials = { VPS_SYNC_API_KEY: API_KEY, JWT_SECRET };

let worker: LocalWorker;
/** Staging with the test suites' API key, which only development and test accept: not ready. */
let misconfigured: LocalWorker;
/** Staging that refuses unsigned sync requests (VPS_SYNC_REQUIRE_SIGNATURE=true). */
let signing: LocalWorker;
beforeAll(async () => {
  [worker, misconfigured, signing] = await Promise.all([
    startLocalWorker({ ...TEST_BINDINGS, ENVIRONMENT: 'production', ...credentials }),
    startLocalWorker({ ...TEST_BINDINGS, ENVIRONMENT: 'staging', JWT_SECRET: secret() }),
    startLocalWorker({ ...TEST_BINDINGS, ENVIRONMENT: 'staging', ...credentials, VPS_SYNC_SIGNING_SECRET: SIGNING_SECRET, VPS_SYNC_REQUIRE_SIGNATURE: 'true' }),
  ]);
}, 120_000);
afterAll(() => Promise.all([worker?.stop(), misconfigured?.stop(), signing?.stop()]));

/** smokeCommand in-process, collecting what it prints. */
async function run(argv: string[], env: NodeJS.ProcessEnv, fetchImpl?: typeof fetch) {
  const lines: string[] = [];
  const code = await smokeCommand(argv, env, { print: (l) => lines.push(l), error: (l) => lines.push(l), ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return { code, output: lines.join('\n') };
}

/** The default smoke user's VPS, as the panel would list them. */
async function smokeUserVps(on: LocalWorker = worker): Promise<unknown[]> {
  const token = await new SignJWT({ user_id: DEFAULT_SMOKE_USER_ID })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(JWT_SECRET));
  const response = await fetch(`${on.url}/api/vps`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { vps: unknown[] }).vps;
}

/** A fetch that must not be called: it records the URL and fails. */
function recordingFetch() {
  const calls: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    calls.push(String(input));
    throw new Error('no network in this test');
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('npm run smoke', () => {
  it('passes every step against a production Worker with --production, printing each, and leaves nothing behind', async () => {
    const { stdout, stderr } = await promisify(execFile)(resolve(root, 'node_modules/.bin/tsx'), ['scripts/smoke.ts', worker.url, '--production'], {
      cwd: root,
      env: { ...process.env, ...credentials, SMOKE_USER_ID: '', VPS_SYNC_TOKEN: '' },
    });
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`Smoke test of ${worker.url}`);
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'ok health 200',
      'ok ready 200',
      'ok create 201',
      'ok list 200',
      'ok delete 200',
    ]);
    expect(lines[2]).toContain('environment production');
    expect(lines[3]).toMatch(new RegExp(`VPS (\\d+) \\(external_id smoke-[a-z0-9]+-[0-9a-f]{8}\\) for user ${DEFAULT_SMOKE_USER_ID}$`));
    expect(lines.at(-1)).toBe('Smoke test passed');
    expect(await smokeUserVps()).toEqual([]);
  }, 60_000);

  it('refuses to write to a Worker whose readiness says production without --production', async () => {
    const { code, output } = await run([worker.url], credentials);
    expect(code).toBe(2);
    expect(output).toMatch(/^ok +ready +200 .*environment production/m);
    expect(output).toContain(`Refusing to write to ${worker.url}: it says environment=production. Pass --production`);
    expect(output).not.toMatch(/^(ok|FAIL) +create/m);
    expect(await smokeUserVps()).toEqual([]);
  });

  it('fails at the create with a wrong API key, naming the error code and the request id', async () => {
    const { code, output } = await run([worker.url, '--production'], { ...credentials, VPS_SYNC_API_KEY: secret() });
    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL create +401 .* unauthorized: .*; request_id \S+$/m);
    expect(output).not.toMatch(/^(ok|FAIL) +(list|delete)/m);
  });

  it('still deletes the VPS when the listing fails (a token the Worker does not accept)', async () => {
    const { code, output } = await run([worker.url, '--production'], { ...credentials, JWT_SECRET: secret() });
    expect(code).toBe(1);
    expect(output).toMatch(/^ok +create +201 /m);
    expect(output).toMatch(/^FAIL list +401 .* unauthorized: /m);
    expect(output).toMatch(/^ok +delete +200 .* deleted$/m);
    expect(output.split('\n').at(-1)).toBe('Smoke test FAILED');
    expect(await smokeUserVps()).toEqual([]);
  });

  it('reports a readiness failure with the part that fails', async () => {
    const { code, output } = await run([misconfigured.url], credentials);
    expect(code).toBe(1);
    expect(output).toMatch(/^ok +health +200 /m);
    expect(output).toMatch(/^FAIL ready +503 .* not_ready: Not ready: sync; sync: VPS_SYNC_API_KEY is a value shipped in this repository/m);
    expect(output).not.toMatch(/^(ok|FAIL) +create/m);
  });

  it('signs its sync requests with VPS_SYNC_SIGNING_SECRET, as a Worker that requires signatures needs', async () => {
    // Unsigned, the create is refused; nothing was created, so there is nothing to delete.
    const unsigned = await run([signing.url], credentials);
    expect(unsigned.code).toBe(1);
    expect(unsigned.output).toMatch(/^FAIL create +401 .* signature_missing: This request must be signed/m);

    const { code, output } = await run([signing.url], { ...credentials, VPS_SYNC_SIGNING_SECRET: SIGNING_SECRET });
    const lines = output.split('\n');
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['ok health 200', 'ok ready 200', 'ok create 201', 'ok list 200', 'ok delete 200']);
    expect(lines.at(-1)).toBe('Smoke test passed');
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^ok +create +201 .* for user ${DEFAULT_SMOKE_USER_ID}, signed$`, 'm'));
    expect(await smokeUserVps(signing)).toEqual([]);

    // Another secret signs what the Worker cannot verify.
    const wrong = await run([signing.url], { ...credentials, VPS_SYNC_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}` });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/^FAIL create +401 .* signature_invalid: No signature matches the request/m);
  });

  it('refuses a URL that may be production without --production, before any request', async () => {
    for (const url of ['https://vps-sync.example.com', 'https://api.example.com']) {
      const { calls, fetchImpl } = recordingFetch();
      const { code, output } = await run([url], credentials, fetchImpl);
      expect(code).toBe(2);
      expect(output).toMatch(/may be production \(it is not localhost and its hostname does not match \/staging\/i\).*Pass --production/);
      expect(calls).toEqual([]);
    }
  });

  it('takes hosts matching "staging" or SMOKE_STAGING_PATTERN for non-production, and --production for anything', async () => {
    const cases: [string[], NodeJS.ProcessEnv][] = [
      [['https://vps-sync-staging.example.com'], {}],
      [['https://api-preprod.example.com'], { SMOKE_STAGING_PATTERN: 'preprod' }],
      [['https://vps-sync.example.com', '--production'], {}],
    ];
    for (const [argv, env] of cases) {
      const { calls, fetchImpl } = recordingFetch();
      const { code, output } = await run(argv, { ...credentials, ...env }, fetchImpl);
      // Not refused: it tried the first step (and this test's fetch failed it).
      expect(code, argv.join(' ')).toBe(1);
      expect(calls).toEqual([`${new URL(argv[0]!).origin}/health`]);
      expect(output).toMatch(/^FAIL health +.* no answer: no network in this test$/m);
    }
  });

  it('refuses bad input with the usage', async () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [[], credentials, 'give the Worker URL, once'],
      [['http://vps-sync.example.com', '--production'], credentials, 'a deployed Worker is reached over https (http only for localhost)'],
      [['https://vps-sync-staging.example.com/api'], credentials, 'give the Worker\'s origin only, without a path or query'],
      [['http://127.0.0.1:5050'], { JWT_SECRET }, 'VPS_SYNC_API_KEY is not set'],
      [['http://127.0.0.1:5050'], { VPS_SYNC_API_KEY: API_KEY }, 'neither VPS_SYNC_TOKEN nor JWT_SECRET is set'],
      [['http://127.0.0.1:5050'], { ...credentials, SMOKE_USER_ID: '0' }, 'SMOKE_USER_ID must be an integer from 1 to 4294967295'],
      [['http://127.0.0.1:5050'], { VPS_SYNC_API_KEY: API_KEY, VPS_SYNC_TOKEN: 'not.a.jwt' }, 'VPS_SYNC_TOKEN names no numeric user id'],
      [['http://127.0.0.1:5050'], { ...credentials, VPS_SYNC_SIGNING_SECRET: secret() }, 'VPS_SYNC_SIGNING_SECRET must start with whsec_'],
      [['http://127.0.0.1:5050', '--force'], credentials, "Unknown option '--force'"],
    ];
    for (const [argv, env, message] of cases) {
      const { calls, fetchImpl } = recordingFetch();
      const { code, output } = await run(argv, env, fetchImpl);
      expect(code, message).toBe(2);
      expect(output).toContain(message);
      expect(output).toContain('usage: VPS_SYNC_API_KEY=… JWT_SECRET=… npm run smoke -- <url> [--production]');
      expect(calls).toEqual([]);
    }
  });
});
