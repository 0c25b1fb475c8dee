import { Hono } from 'hono/tiny';
import type { Context, Next } from 'hono';
import { requestId } from 'hono/request-id';
import type { Bindings } from './config';
import type { AppEnv } from './env';
import { ApiError, errorResponse, onError } from './errors';
import { accessLog } from './middleware/access-log';
import { withConfig } from './middleware/config';
import { withStores } from './middleware/stores';
import { metaRoutes } from './routes/meta';
import { readRoutes } from './routes/read';
import { readyRoutes } from './routes/ready';
import { syncRoutes } from './routes/sync';
import { syncReadRoutes } from './routes/sync-read';
import type { Stores } from './store/select';

/**
 * Sets headers every answer carries before the answer is made, so it is made with them: set on a
 * finished answer, each header would cost Hono a copy of the Response. An answer made without
 * the context (none today) still gets them afterwards.
 */
async function setEarly(c: Context<AppEnv>, next: Next, headers: readonly (readonly [string, string])[]): Promise<void> {
  for (const [name, value] of headers) c.header(name, value);
  await next();
  for (const [name, value] of headers) if (!c.res.headers.has(name)) c.header(name, value);
}

const SECURITY_HEADERS = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
] as const;
const API_HEADERS = [...SECURITY_HEADERS, ['Cache-Control', 'no-store']] as const;

export interface AppOptions {
  /** Where the VPS live; by default what the bindings configure (D1 or PlanetScale). */
  stores?: (env: Bindings) => Stores;
}

/**
 * The whole request path, in order: request id -> access log -> answer headers -> configuration ->
 * stores -> route (auth, rate limit, signature, body and validation, idempotency, store call) ->
 * one error handler.
 */
export function createApp({ stores }: AppOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(accessLog());
  app.use(async function answerHeaders(c, next) {
    // Every answer, errors and /health included: JSON is never sniffed as something else, and
    // no URL leaks to another site through Referer. The API's answers are per-user or per-event:
    // never cached. One middleware for both: each layer costs a dispatch on every request.
    const path = c.req.path;
    await setEarly(c, next, path === '/api' || path.startsWith('/api/') ? API_HEADERS : SECURITY_HEADERS);
  });
  app.use(withConfig());
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
