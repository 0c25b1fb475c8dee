import { Hono } from 'hono/tiny';
import {
  encodeCursor,
  MAX_SYNC_BODY_BYTES,
  syncReadByExternalIdQuery,
  syncReadListQuery,
  syncReadNoQuery,
  syncReadUserId,
  syncReadVpsId,
  type VpsRef,
} from '../contract/index.js';
import type { AppEnv } from '../env.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { signature } from '../middleware/signature.js';
import type { VpsRecord, VpsStore } from '../store/types.js';
import { parseParts, part, queryPart } from '../validation.js';

/**
 * Per API key, on the sync limiter, in a bucket of its own: a drift check reading many users
 * never spends the budget of the lifecycle events it checks.
 */
const perKey = () => rateLimit('sync', (c) => `api-key:${c.get('apiKey')}:read`);

/** As on POST: signed when the main site signs (required with VPS_SYNC_REQUIRE_SIGNATURE); a GET signs its empty body. */
const signed = () => signature({ maxBytes: MAX_SYNC_BODY_BYTES });

/** The panel's fields, then whether and when the VPS was deleted (one shape for live and deleted). */
const toWire = ({ deleted_at, ...vps }: VpsRecord) => ({ ...vps, deleted: deleted_at !== null, deleted_at });

const notFound = (field: string, described: string) =>
  new ApiError('not_found', `${described} not found`, { errors: [{ field, message: 'no such VPS' }] });

/** The answer for one VPS, deleted or not; 404 naming the reference when it never existed. */
async function one(store: VpsStore, ref: VpsRef) {
  const vps = await store.getForMainSite(ref);
  if (vps) return { status: 'success' as const, vps: toWire(vps) };
  throw 'id' in ref ? notFound('id', `VPS ${ref.id}`) : notFound('external_id', `VPS with external_id "${ref.external_id}"`);
}

/**
 * GET /api/vps/sync/vps/{id}, /api/vps/sync/vps?external_id=… and
 * /api/vps/sync/users/{user_id}/vps: the main site reads what the panel holds, deleted VPS
 * included, to check it against its own records. X-API-Key only: a user's token never
 * reaches these, as the key never reaches the panel's GET /api/vps.
 */
export const syncReadRoutes = new Hono<AppEnv>()
  .get('/vps/:id', apiKeyAuth(), perKey(), signed(), async (c) => {
    const [id] = parseParts(part(syncReadVpsId, c.req.param('id'), ['id']), queryPart(syncReadNoQuery, c.req.queries()));
    return c.json(await one(c.get('store'), { id }));
  })
  .get('/vps', apiKeyAuth(), perKey(), signed(), async (c) => {
    const [{ external_id }] = parseParts(queryPart(syncReadByExternalIdQuery, c.req.queries()));
    return c.json(await one(c.get('store'), { external_id }));
  })
  .get('/users/:user_id/vps', apiKeyAuth(), perKey(), signed(), async (c) => {
    const [userId, { limit, cursor: before, include_deleted }] = parseParts(
      part(syncReadUserId, c.req.param('user_id'), ['user_id']),
      queryPart(syncReadListQuery, c.req.queries()),
    );

    // A user the panel has never seen has no VPS: an empty page, not 404 (the panel keeps no user list).
    const page = await c.get('store').listForMainSite(userId, { limit, before, includeDeleted: include_deleted });
    return c.json({ status: 'success', vps: page.items.map(toWire), next_cursor: page.next === null ? null : encodeCursor(page.next) });
  })
  .all('/vps/:id', methodNotAllowed('GET'))
  .all('/vps', methodNotAllowed('GET'))
  .all('/users/:user_id/vps', methodNotAllowed('GET'));
