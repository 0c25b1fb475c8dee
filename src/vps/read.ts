import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { bearerAuth } from '../auth/jwt';
import type { AppEnv } from '../env';
import { ApiError, validationError } from '../errors';
import { parseOrThrow } from '../validation';
import { decodeCursor, encodeCursor } from './cursor';
import { listQuery } from './schema';

/** The panel's frontend calls these from the browser: CORS for the configured origins only. */
const panelCors = cors({
  origin: (origin, c) => {
    const allowed = (c.env.CORS_ORIGINS ?? '').split(',').map((o: string) => o.trim());
    return allowed.includes(origin) ? origin : null;
  },
  allowMethods: ['GET'],
  allowHeaders: ['Authorization'],
  exposeHeaders: ['X-Request-Id'],
  maxAge: 600,
});

const methodNotAllowed = () => {
  throw new ApiError(405, 'Method not allowed; use GET', [], { Allow: 'GET' });
};

/** GET /api/vps and /api/vps/:id: a user's own VPS, owner taken from the verified JWT only. */
export const readRoutes = new Hono<AppEnv>()
  .use('/', panelCors)
  .use('/:id{[0-9]+}', panelCors)
  .get('/', bearerAuth(), async (c) => {
    const { limit, cursor } = parseOrThrow(listQuery, c.req.query());
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    if (before === null) throw validationError([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);

    const page = await c.get('store').listForUser(c.get('userId'), { limit, before });
    return c.json({ status: 'success', vps: page.items, next_cursor: page.next === null ? null : encodeCursor(page.next) });
  })
  .get('/:id{[0-9]+}', bearerAuth(), async (c) => {
    const id = Number(c.req.param('id'));
    // Someone else's VPS is "not found", never "forbidden": ids must not be probeable.
    const vps = Number.isSafeInteger(id) ? await c.get('store').get(c.get('userId'), id) : null;
    if (!vps) throw new ApiError(404, 'VPS not found');
    return c.json({ status: 'success', vps });
  })
  .all('/', methodNotAllowed)
  .all('/:id{[0-9]+}', methodNotAllowed);
