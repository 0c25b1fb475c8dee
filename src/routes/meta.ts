import { Hono } from 'hono/tiny';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env.js';
import { methodNotAllowed } from '../errors.js';
import openApiDocument from '../openapi/openapi.json';

/** The public routes: liveness and the API's own description. Any other method is 405, as on /api. */
export const metaRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'success', message: 'ok' }))
  // Generated from the contract by `npm run openapi`; a test keeps it in step with it.
  // Public and credential-free: any origin may read it (API explorers, the panel's tooling);
  // cors() answers its preflight and gives every other answer, a 405 too, the same CORS header.
  .use('/openapi.json', cors({ origin: '*', allowMethods: ['GET'] }))
  .get('/openapi.json', (c) => c.json(openApiDocument, 200, { 'Cache-Control': 'public, max-age=300' }))
  .all('/health', methodNotAllowed('GET'))
  .all('/openapi.json', methodNotAllowed('GET'));
