import { Hono } from 'hono/tiny';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { encodeCursor, listQuery, oneVpsQuery, type ListQuery } from '../contract/index.js';
import { required } from '../config.js';
import type { AppEnv } from '../env.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { bearerAuth } from '../middleware/bearer-auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseParts, queryPart } from '../validation.js';

const allowedOrigin = (origin: string, c: Context<AppEnv>) => {
  const allowed = required(c.get('config').corsOrigins, { request_id: c.get('requestId'), refusing: 'browser requests' });
  return allowed.includes(origin) ? origin : null;
};
const EXPOSE_HEADERS = ['X-Request-Id', 'Retry-After'];

/** The panel's frontend calls these from the browser: CORS for the configured origins only. */
const preflight = cors({
  origin: allowedOrigin,
  allowMethods: ['GET'],
  // What a browser's fetch wrapper sends: the token, a JSON Content-Type, a request id to correlate.
  allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
  // The page reads the request id (to quote to support) and how long to wait before retrying a 503.
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 600,
});

const EXPOSED = EXPOSE_HEADERS.join(',');

/**
 * Hono's cors() for preflights; on every other request the CORS headers of a configured origin,
 * set before the answer is made (Hono's sets them on a finished Response, which costs a copy of
 * it per header). Which headers a page may read is said to the allowed origin only: a browser
 * reads Access-Control-Expose-Headers from nothing else, and other callers do not read it at all.
 * Every answer varies by Origin.
 */
const panelCors: MiddlewareHandler<AppEnv> = async function panelCors(c, next) {
  if (c.req.method === 'OPTIONS') return preflight(c, next);
  const origin = allowedOrigin(c.req.header('Origin') || '', c);
  if (origin) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', EXPOSED);
  }
  c.header('Vary', 'Origin', { append: true });
  await next();
};

/** A listing without a query string: the defaults, parsed once per isolate instead of per request. */
let defaults: ListQuery | undefined;

/** Per user, whichever browser tab or device asks. */
const perUser = rateLimit('read', (c) => `user:${c.get('userId')}`);

/** GET /api/vps and /api/vps/:id: a user's own VPS, owner taken from the verified JWT only. */
export const readRoutes = new Hono<AppEnv>()
  .use('/', panelCors)
  .use('/:id{[0-9]+}', panelCors)
  .get('/', bearerAuth(), perUser, async (c) => {
    // Most listings have no query string: nothing to parse then.
    const { limit, cursor: before, status, hypervisor } = c.req.url.includes('?')
      ? parseParts(queryPart(listQuery, c.req.queries()))[0]
      : (defaults ??= parseParts(queryPart(listQuery, {}))[0]);

    const page = await c.get('store').listForUser(c.get('userId'), { limit, before, status, hypervisor });
    return c.json({ status: 'success', vps: page.items, next_cursor: page.next === null ? null : encodeCursor(page.next) });
  })
  .get('/:id{[0-9]+}', bearerAuth(), perUser, async (c) => {
    if (c.req.url.includes('?')) parseParts(queryPart(oneVpsQuery, c.req.queries()));
    const id = Number(c.req.param('id'));
    // Someone else's VPS is "not found", never "forbidden": ids must not be probeable.
    const vps = Number.isSafeInteger(id) ? await c.get('store').get(c.get('userId'), id) : null;
    if (!vps) throw new ApiError('not_found', 'VPS not found');
    return c.json({ status: 'success', vps });
  })
  .all('/', methodNotAllowed('GET'))
  .all('/:id{[0-9]+}', methodNotAllowed('GET'));
