import { Hono } from 'hono/tiny';
import type { Context } from 'hono';
import { MAX_SYNC_BODY_BYTES, OUTCOMES, syncRequest, type ReconcilePage, type SyncOutcome, type SyncRequest, type VpsRef } from '../contract/index.js';
import type { AppEnv } from '../env.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { log, type LogFields } from '../log.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { idempotency } from '../middleware/idempotency.js';
import { jsonBody } from '../middleware/json-body.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { signature } from '../middleware/signature.js';
import { reconcilePage } from './reconcile-page.js';
import type { ReconcileChange, ReconcileResult, Vps } from '../store/types.js';

const refOf = (vps: { id?: number; external_id?: string }): VpsRef =>
  vps.id !== undefined ? { id: vps.id } : { external_id: vps.external_id! };
const refField = (ref: VpsRef) => ('id' in ref ? 'vps.id' : 'vps.external_id');
const describeRef = (ref: VpsRef) => ('id' in ref ? `VPS ${ref.id}` : `VPS with external_id "${ref.external_id}"`);

const isNewer = (sent: number | undefined, stored: number) => sent !== undefined && sent > stored;

const notFound = (ref: VpsRef) =>
  new ApiError('not_found', `${describeRef(ref)} not found`, { errors: [{ field: refField(ref), message: 'no such VPS' }] });

/**
 * The audit trail: one line per sync command the store carried out (applied or not) and per
 * change a reconcile applied, saying what changed and who asked: which API key (current or
 * previous) and whether it was signed. A reconcile's summary goes under its own `msg`.
 */
function audit(c: Context<AppEnv>, fields: LogFields, msg: 'vps sync' | 'vps reconcile' = 'vps sync'): void {
  const signed = c.get('signature');
  log.info(msg, {
    request_id: c.get('requestId'),
    ...fields,
    api_key: c.get('apiKey'),
    signed: signed.signed,
    ...(signed.signed ? { signing_secret: signed.secret } : {}),
  });
}

/**
 * The success envelope of every create, update and delete answer, and its audit line: `version`
 * is the one the event came with (null without one), `stored_version` the VPS's after it, so a
 * declined event keeps its own. A delete that applied knows only the reference it was given (the
 * store answers no row for it).
 */
function synced(c: Context<AppEnv>, action: SyncRequest['action'], outcome: SyncOutcome, vps: Vps | VpsRef, sentVersion: number | undefined) {
  const full = 'user_id' in vps ? vps : undefined;
  audit(c, {
    action,
    outcome,
    applied: OUTCOMES[outcome].applied,
    vps_id: 'id' in vps ? vps.id : null,
    external_id: 'external_id' in vps ? vps.external_id : null,
    user_id: full?.user_id ?? null,
    version: sentVersion ?? null,
    stored_version: full?.version ?? (OUTCOMES[outcome].applied ? (sentVersion ?? null) : null),
  });
  return c.json({ status: 'success', ...OUTCOMES[outcome], outcome, vps }, outcome === 'created' ? 201 : 200);
}

const CHANGE_OUTCOMES = { create: 'created', update: 'updated', delete: 'deleted' } as const satisfies Record<ReconcileChange['action'], SyncOutcome>;

/**
 * A reconcile's audit lines: one per change it applied, in the shape of a create, update or
 * delete line plus `via: "reconcile"` (and the page of a paged run), then its summary with the
 * counts. Up to one line per listed VPS (200 a request): Workers Logs takes that.
 */
function reconciled(
  c: Context<AppEnv>,
  { changes, counts, skipped }: ReconcileResult,
  summary: { user_id: number; version: number | null; dry_run?: boolean; page?: ReconcilePage },
): void {
  const { user_id, page } = summary;
  for (const { action, id, external_id, version } of changes) {
    const outcome = CHANGE_OUTCOMES[action];
    audit(c, { action, outcome, applied: OUTCOMES[outcome].applied, vps_id: id, external_id, user_id, version, via: 'reconcile', ...(page ? { page } : {}) });
  }
  audit(c, { action: 'reconcile', ...summary, counts, skipped: skipped.length }, 'vps reconcile');
}

/** POST /api/vps/sync: the main site pushes VPS lifecycle events (server to server, X-API-Key). */
export const syncRoutes = new Hono<AppEnv>()
  .post(
    '/',
    apiKeyAuth(),
    rateLimit('sync', (c) => `api-key:${c.get('apiKey')}`),
    signature({ maxBytes: MAX_SYNC_BODY_BYTES }),
    jsonBody({ maxBytes: MAX_SYNC_BODY_BYTES, schema: syncRequest }),
    idempotency(),
    async (c) => {
      // jsonBody() validated it against syncRequest.
      const command = c.get('body') as SyncRequest;
      const store = c.get('store');

      switch (command.action) {
        case 'create': {
          const result = await store.create(command.vps);
          if (result.outcome === 'replayed' && isNewer(command.vps.version, result.vps.version)) {
            // The same create stamped with a newer version says the VPS was this at that version:
            // it is applied as an update of that version (as a reconcile applies it), so no event
            // older than it can win afterwards. Guarded like any update: a newer write in between wins.
            const { user_id: _owner, external_id, version, ...described } = command.vps;
            const updated = await store.update({ external_id: external_id! }, described, version);
            if (updated.outcome === 'not_found') throw new Error('a replayed create found no VPS to update');
            return synced(c, 'create', updated.outcome, updated.vps, version);
          }
          if (result.outcome !== 'conflict') return synced(c, 'create', result.outcome, result.vps, command.vps.version);
          const owner = `external_id "${command.vps.external_id}" already belongs to VPS ${result.vps.id}`;
          throw new ApiError(
            'external_id_conflict',
            // A deleted VPS cannot be updated: its tombstone keeps the external_id, which is never reused.
            result.deleted
              ? `${owner}, which was deleted, with different data; a deleted VPS stays deleted: create the new VPS with a new external_id`
              : `${owner} with different data; send an update to change it`,
            { errors: [{ field: 'vps.external_id', message: 'already used with a different payload' }] },
          );
        }
        case 'update': {
          const { id: _id, external_id: _externalId, version, ...patch } = command.vps;
          const ref = refOf(command.vps);
          const result = await store.update(ref, patch, version);
          if (result.outcome === 'not_found') throw notFound(ref);
          return synced(c, 'update', result.outcome, result.vps, version);
        }
        case 'delete': {
          const ref = refOf(command.vps);
          const result = await store.delete(ref, command.vps.version);
          if (result.outcome === 'not_found') throw notFound(ref);
          return synced(c, 'delete', result.outcome, result.vps, command.vps.version);
        }
        case 'reconcile': {
          const { user_id, vps, dry_run, version, page } = command;
          if (page) {
            const { result, answer } = await reconcilePage(store, { ...command, page });
            reconciled(c, result, { user_id, version: version ?? null, page });
            return c.json(answer, 200);
          }
          const result = await store.reconcile(user_id, vps, { dryRun: dry_run, version });
          reconciled(c, result, { user_id, dry_run, version: version ?? null });
          const message = dry_run ? 'Dry run: nothing was changed' : 'VPS reconciled';
          // The changes are for the audit lines only: the answer has the counts and the skipped.
          const { counts, skipped } = result;
          return c.json({ status: 'success', message, dry_run, counts, skipped }, 200);
        }
      }
    },
  )
  .all('/', methodNotAllowed('POST'));
