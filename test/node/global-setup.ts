import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { TEST_BINDINGS, TEST_SIGNING_SECRET } from '../bindings.js';
import { startLocalWorker } from './local-worker.js';

/** Both packages' dist, by their own `npm run build` (what their prepack runs). */
const buildPackages = () =>
  promisify(execFile)('npm', ['run', 'build', '-w', 'packages/client', '-w', 'packages/panel'], {
    cwd: resolve(import.meta.dirname, '../..'),
  });

/**
 * Once for the whole node project:
 * - builds packages/client/dist and packages/panel/dist, which the pack tests pack and the
 *   Express example loads as @vps-sync/client;
 * - starts ONE local Worker with the test secrets (test/bindings.ts) and the test signing secret
 *   (a signed request is verified, an unsigned one still accepted) for every suite that talks to
 *   it over HTTP (`inject('workerUrl')`). Starting one per suite cost seconds each. The suites share
 *   its database and keep out of each other's way by owning distinct users and external ids:
 *     client/client.integration  users 101-107, external ids order-1..order-7, keep, drop, new, never-created
 *     examples/express           users 201-203, external ids order-1001, order-1002, order-1003, order-9999
 *     examples/python            users 401-403 (no external ids)
 *     examples/curl              users 501-503 (no external ids)
 *     client/pack                user 601, external id packed-order-1
 *     panel/pack                 user 602
 *     rate-limit-dev             users 900000-989999 (random: a burst is retried in the next minute)
 *   The docs' examples (dev secrets, a fresh database per document) and the harness's own test
 *   start their own instance.
 */
export default async function setup(project: TestProject) {
  const [, worker] = await Promise.all([
    buildPackages(),
    startLocalWorker({ ...TEST_BINDINGS, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET }),
  ]);
  project.provide('workerUrl', worker.url);
  return () => worker.stop();
}
