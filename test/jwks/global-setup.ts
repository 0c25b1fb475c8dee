import type { TestProject } from 'vitest/node';
import { startJwksServer } from './server.js';

/** Before the Worker suites: the local JWKS endpoint, its base URL provided as `jwksUrl`. */
export default async function setup(project: TestProject) {
  const server = await startJwksServer();
  project.provide('jwksUrl', server.url);
  return () => server.close();
}
