import { Hono, type Context } from 'hono';
import { apiKeyAuth } from '../auth/api-key';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { idempotency } from '../idempotency/middleware';
import { jsonBody } from '../middleware/json-body';
import type { Vps } from '../store/types';
import { parseOrThrow } from '../validation';
import { createFingerprint } from './fingerprint';
import { MAX_SYNC_BODY_BYTES } from './limits';
import { OUTCOMES, type SyncOutcome } from './outcomes';
import { syncRequest, type VpsRef } from './schema';

const refOf = (vps: { id?: number; external_id?: string }): VpsRef =>
  vps.id !== undefined ? { id: vps.id } : { external_id: vps.external_id! };
const refField = (ref: VpsRef) => ('id' in ref ? 'vps.id' : 'vps.external_id');
const describeRef = (ref: VpsRef) => ('id' in ref ? `VPS ${ref.id}` : `VPS with external_id "${ref.external_id}"`);

const notFound = (ref: VpsRef) => new ApiError(404, `${describeRef(ref)} not found`, [{ field: refField(ref), message: 'no such VPS' }]);

/** The success envelope of every create, update and delete answer. */
const synced = (c: Context<AppEnv>, outcome: SyncOutcome, vps: Vps | VpsRef) =>
  c.json({ status: 'success', ...OUTCOMES[outcome], outcome, vps }, outcome === 'created' ? 201 : 200);

/** POST /api/vps/sync: the main site pushes VPS lifecycle events (server to server, X-API-Key). */
export const syncRoutes = new Hono<AppEnv>()
  .post('/', apiKeyAuth(), jsonBody({ maxBytes: MAX_SYNC_BODY_BYTES }), idempotency(), async (c) => {
    const command = parseOrThrow(syncRequest, c.get('body'));
    const store = c.get('store');

    switch (command.action) {
      case 'create': {
        const result = await store.create(command.vps, await createFingerprint(command.vps));
        if (result.outcome === 'created') return synced(c, 'created', result.vps);
        if (result.outcome === 'replayed') return synced(c, result.deleted ? 'already_deleted' : 'replayed', result.vps);
        throw new ApiError(409, `external_id "${command.vps.external_id}" already belongs to VPS ${result.vps.id} with different data; send an update to change it`, [
          { field: 'vps.external_id', message: 'already used with a different payload' },
        ]);
      }
      case 'update': {
        const { id: _id, external_id: _externalId, version, ...patch } = command.vps;
        const ref = refOf(command.vps);
        const result = await store.update(ref, patch, version);
        if (result.outcome === 'not_found') throw notFound(ref);
        if (result.outcome === 'applied') return synced(c, 'updated', result.vps);
        return synced(c, result.outcome === 'deleted' ? 'already_deleted' : 'stale', result.vps);
      }
      case 'delete': {
        const ref = refOf(command.vps);
        const result = await store.delete(ref, command.vps.version);
        if (result.outcome === 'not_found') throw notFound(ref);
        if (result.outcome === 'deleted') return synced(c, 'deleted', ref);
        return synced(c, result.outcome, result.vps);
      }
      case 'reconcile': {
        const { user_id, vps, dry_run, version } = command;
        const result = await store.reconcile(user_id, vps, { dryRun: dry_run, version });
        const message = dry_run ? 'Dry run: nothing was changed' : 'VPS reconciled';
        return c.json({ status: 'success', message, dry_run, ...result }, 200);
      }
    }
  })
  .all('/', () => {
    throw new ApiError(405, 'Method not allowed; use POST', [], { Allow: 'POST' });
  });
