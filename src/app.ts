import { Hono } from 'hono/tiny';
import type { Bindings } from './config.js';
import type { AppEnv } from './env.js';
import { ApiError, errorResponse, onError } from './errors.js';
import { frame } from './middleware/frame.js';
import { withStores } from './middleware/stores.js';
import { metaRoutes } from './routes/meta.js';
import { readRoutes } from './routes/read.js';
import { readyRoutes } from './routes/ready.js';
import { syncRoutes } from './routes/sync.js';
import { syncReadRoutes } from './routes/sync-read.js';
import type { Stores } from './store/select.js';

export interface AppOptions {
  /** Where the VPS live; by default what the bindings configure (D1 or PlanetScale). */
  stores?: (env: Bindings) => Stores;
}

/**
 * The whole request path, in order: request id, answer headers, configuration and access log ->
 * stores -> route (auth, rate limit, signature, body and validation, idempotency, store call) ->
 * one error handler.
 */
export function createApp({ stores }: AppOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use(frame());
  app.use('/api/*', withStores(stores));

  app.route('/', metaRoutes);
  app.route('/health/ready', readyRoutes);
  app.route('/api/vps/sync', syncRoutes);
  app.route('/api/vps/sync', syncReadRoutes);
  app.route('/api/vps', readRoutes);

  app.notFound((c) => errorResponse(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(onError);
  return app;
}
