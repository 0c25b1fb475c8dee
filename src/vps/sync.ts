import { Hono } from 'hono';
import { apiKeyAuth } from '../auth/api-key';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { parseOrThrow } from '../validation';
import { syncRequest } from './schema';

/** Documented request body limit of POST /api/vps/sync. */
export const MAX_SYNC_BODY_BYTES = 64 * 1024;

const SYNCED = 'VPS synced successfully';

const vpsNotFound = (id: number) => new ApiError(404, `VPS ${id} not found`, [{ field: 'vps.id', message: 'no such VPS' }]);

/** POST /api/vps/sync: the main site pushes VPS lifecycle events (server to server, X-API-Key). */
export const syncRoutes = new Hono<AppEnv>()
  .post('/', apiKeyAuth(), jsonBody({ maxBytes: MAX_SYNC_BODY_BYTES }), async (c) => {
    const command = parseOrThrow(syncRequest, c.get('body'));
    const store = c.get('store');

    switch (command.action) {
      case 'create': {
        const vps = await store.create(command.vps);
        return c.json({ status: 'success', message: SYNCED, vps }, 201);
      }
      case 'update': {
        const { id, ...patch } = command.vps;
        const vps = await store.update(id, patch);
        if (!vps) throw vpsNotFound(id);
        return c.json({ status: 'success', message: SYNCED, vps }, 200);
      }
      case 'delete': {
        const { id } = command.vps;
        const outcome = await store.delete(id);
        if (outcome === 'not_found') throw vpsNotFound(id);
        const message = outcome === 'deleted' ? SYNCED : 'VPS already deleted';
        return c.json({ status: 'success', message, vps: { id } }, 200);
      }
    }
  })
  .all('/', () => {
    throw new ApiError(405, 'Method not allowed; use POST', [], { Allow: 'POST' });
  });
