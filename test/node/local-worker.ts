/**
 * The real Worker as `wrangler dev` runs it (wrangler's own startWorker: the same bundling,
 * workerd and local D1), for Node tests that need it over HTTP: the client's integration test
 * and the examples' tests. Each instance gets a fresh database in its own temporary directory
 * and the test secrets of test/bindings.ts; it listens on loopback only.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { unstable_startWorker } from 'wrangler';
import { TEST_BINDINGS } from '../bindings.ts';

const root = resolve(import.meta.dirname, '../..');
const wrangler = resolve(root, 'node_modules/.bin/wrangler');

export interface LocalWorker {
  /** Origin of the Worker, e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  /** Stops workerd (killed by pid, awaited) and removes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** `bindings`: the Worker's vars and secrets; the test secrets by default. */
export async function startLocalWorker(bindings: Record<string, string> = TEST_BINDINGS): Promise<LocalWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'vps-sync-worker-'));
  let worker: Awaited<ReturnType<typeof unstable_startWorker>> | undefined;
  const stop = once(async () => {
    try {
      await worker?.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  try {
    // As `npm run db:migrate:local` does, into this instance's own directory. CI=true: no prompt.
    await promisify(execFile)(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir], {
      cwd: root,
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    });
    // Giving wrangler an env file is also what keeps it from reading the developer's .dev.vars.
    const envFile = join(dir, 'test.env');
    await writeFile(envFile, Object.entries(bindings).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''));

    worker = await unstable_startWorker({
      config: resolve(root, 'wrangler.jsonc'),
      envFiles: [envFile],
      sendMetrics: false,
      dev: {
        remote: false,
        persist: dir,
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        watch: false,
        logLevel: 'error',
        // Its own registry: parallel instances of the same Worker name must not see each other.
        registry: join(dir, 'registry'),
      },
    });
    await worker.ready;
    const url = (await worker.url).origin;
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
