import { Hono, type Context } from 'hono';
import { MAX_SYNC_BODY_BYTES, OUTCOMES, syncRequest, type SyncOutcome, type SyncRequest, type VpsRef } from '../contract';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { apiKeyAuth } from '../middleware/api-key';
import { idempotency } from '../middleware/idempotency';
import { jsonBody } from '../middleware/json-body';
import type { Vps } from '../store/types';

const refOf = (vps: { id?: number; external_id?: string }): VpsRef =>
  vps.id !== undefined ? { id: vps.id } : { external_id: vps.external_id! };
const refField = (ref: VpsRef) => ('id' in ref ? 'vps.id' : 'vps.external_id');
const describeRef = (ref: VpsRef) => ('id' in ref ? `VPS ${ref.id}` : `VPS with external_id "${ref.external_id}"`);

const notFound = (ref: VpsRef) =>
  new ApiError('not_found', `${describeRef(ref)} not found`, { errors: [{ field: refField(ref), message: 'no such VPS' }] });

/** The success envelope of every create, update and delete answer. */
const synced = (c: Context<AppEnv>, outcome: SyncOutcome, vps: Vps | VpsRef) =>
  c.json({ status: 'success', ...OUTCOMES[outcome], outcome, vps }, outcome === 'created' ? 201 : 200);

/** POST /api/vps/sync: the main site pushes VPS lifecycle events (server to server, X-API-Key). */
export const syncRoutes = new Hono<AppEnv>()
  .post('/', apiKeyAuth(), jsonBody({ maxBytes: MAX_SYNC_BODY_BYTES, schema: syncRequest }), idempotency(), async (c) => {
    // jsonBody() validated it against syncRequest.
    const command = c.get('body') as SyncRequest;
    const store = c.get('store');

    switch (command.action) {
      case 'create': {
        const result = await store.create(command.vps);
        if (result.outcome !== 'conflict') return synced(c, result.outcome, result.vps);
        throw new ApiError(
          'external_id_conflict',
          `external_id "${command.vps.external_id}" already belongs to VPS ${result.vps.id} with different data; send an update to change it`,
          { errors: [{ field: 'vps.external_id', message: 'already used with a different payload' }] },
        );
      }
      case 'update': {
        const { id: _id, external_id: _externalId, version, ...patch } = command.vps;
        const ref = refOf(command.vps);
        const result = await store.update(ref, patch, version);
        if (result.outcome === 'not_found') throw notFound(ref);
        return synced(c, result.outcome, result.vps);
      }
      case 'delete': {
        const ref = refOf(command.vps);
        const result = await store.delete(ref, command.vps.version);
        if (result.outcome === 'not_found') throw notFound(ref);
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
    throw new ApiError('method_not_allowed', 'Method not allowed; use POST', { headers: { Allow: 'POST' } });
  });
