import { Hono } from 'hono/tiny';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env.js';
import openApiDocument from '../openapi/openapi.json';

/** The public routes: liveness and the API's own description. */
export const metaRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'success', message: 'ok' }))
  // Generated from the contract by `npm run openapi`; a test keeps it in step with it.
  // Public and credential-free: any origin may read it (API explorers, the panel's tooling).
  .use('/openapi.json', cors({ origin: '*', allowMethods: ['GET'] }))
  .get('/openapi.json', (c) => c.json(openApiDocument, 200, { 'Cache-Control': 'public, max-age=300' }));
