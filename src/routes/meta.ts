import { Hono } from 'hono';
import type { AppEnv } from '../env';
import openApiDocument from '../openapi/openapi.json';

/** The public routes: liveness and the API's own description. */
export const metaRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'success', message: 'ok' }))
  // Generated from the contract by `npm run openapi`; a test keeps it in step with it.
  .get('/openapi.json', (c) => c.json(openApiDocument, 200, { 'Cache-Control': 'public, max-age=300' }));
