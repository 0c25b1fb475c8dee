import type { TestProject } from 'vitest/node';
import { buildClient, buildPanel } from '../../scripts/build-client.ts';
import { startLocalWorker } from './local-worker.ts';

/**
 * Once for the whole node project:
 * - builds client/dist and panel/dist, which the package, example and panel tests load as
 *   vps-sync/client and vps-sync/panel;
 * - starts ONE local Worker with the test secrets (test/bindings.ts) for every suite that talks to
 *   it over HTTP (`inject('workerUrl')`). Starting one per suite cost seconds each. The suites share
 *   its database and keep out of each other's way by owning distinct users and external ids:
 *     client/client.integration  users 101-107, external ids order-1..order-7, keep, drop, new, never-created
 *     examples/express           users 201-202, external ids order-1001, order-1002, order-9999
 *     examples/python            users 401-403 (no external ids)
 *     examples/curl              users 501-503 (no external ids)
 *   The docs' examples (dev secrets, a fresh database per document) and the harness's own test
 *   start their own instance.
 */
export default async function setup(project: TestProject) {
  const [, , worker] = await Promise.all([buildClient(), buildPanel(), startLocalWorker()]);
  project.provide('workerUrl', worker.url);
  return () => worker.stop();
}
