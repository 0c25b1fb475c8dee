import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv, Bindings } from './env';
import { ApiError, errorResponse, onError } from './errors';
import openApiDocument from './openapi/openapi.json';
import { withStore, type Stores } from './store/select';
import { readRoutes } from './vps/read';
import { syncRoutes } from './vps/sync';

export interface AppOptions {
  /** Where the VPS live; by default what the bindings configure (D1 or PlanetScale). */
  stores?: (env: Bindings) => Stores;
}

/**
 * The whole request path, in order: request id -> API headers -> store -> route
 * (auth, body, validation, store call) -> one error handler.
 */
export function createApp({ stores }: AppOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use('/api/*', async function apiHeaders(c, next) {
    await next();
    // Answers are per-user or per-event: never cache them, never let a browser sniff them.
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
  });
  app.use('/api/*', withStore(stores));

  app.get('/health', (c) => c.json({ status: 'success', message: 'ok' }));
  // Generated from the zod schemas by `npm run openapi`; a test keeps it in step with them.
  app.get('/openapi.json', (c) => c.json(openApiDocument, 200, { 'Cache-Control': 'public, max-age=300' }));
  app.route('/api/vps/sync', syncRoutes);
  app.route('/api/vps', readRoutes);

  app.notFound((c) => errorResponse(c, new ApiError(404, `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(onError);
  return app;
}
