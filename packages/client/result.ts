/**
 * Successful answers of POST /api/vps/sync, checked and converted to the client's naming. A 2xx
 * that does not have the documented shape is an error (the write may have happened: not retried).
 */
import * as z from 'zod/mini';
import { hypervisor, SYNC_OUTCOMES, vpsStatus } from '../../src/contract/index.js';
import type { Answer } from './answer.js';
import { VpsSyncError } from './errors.js';
import type { DeleteResult, ReconcileResult, SyncResult, Vps } from './types.js';

// Loose objects: fields the server adds later must not break a deployed client.
export const wireVps = z.object({
  id: z.number(),
  user_id: z.number(),
  external_id: z.nullable(z.string()),
  name: z.string(),
  status: vpsStatus,
  cpu: z.number(),
  ram: z.number(),
  disk: z.number(),
  os: z.string(),
  hypervisor,
  version: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

const success = { status: z.literal('success'), applied: z.boolean(), outcome: z.literal(SYNC_OUTCOMES) };
const syncAnswer = z.object({ ...success, vps: wireVps });

/** A delete that deletes answers the reference it was given, not the VPS. */
const wireRef = z.object({ id: z.optional(z.number()), external_id: z.optional(z.string()) });
const deleteAnswer = z.object({ ...success, vps: z.union([wireVps, wireRef]) });

const count = z.number();
const reconcileAnswer = z.object({
  status: z.literal('success'),
  dry_run: z.boolean(),
  counts: z.object({ created: count, updated: count, deleted: count, unchanged: count, skipped: count, untracked: count }),
  skipped: z.array(z.object({ external_id: z.string(), reason: z.string() })),
});

export function syncResult(answer: Answer): SyncResult {
  const { applied, outcome, vps } = parse(syncAnswer, answer);
  return { applied, outcome, vps: fromWire(vps) };
}

export function deleteResult(answer: Answer): DeleteResult {
  const { applied, outcome, vps } = parse(deleteAnswer, answer);
  return { applied, outcome, vps: 'created_at' in vps ? fromWire(vps) : null };
}

export function reconcileResult(answer: Answer): ReconcileResult {
  const { dry_run, counts, skipped } = parse(reconcileAnswer, answer);
  const { created, updated, deleted, unchanged, skipped: skippedCount, untracked } = counts;
  return {
    dryRun: dry_run,
    counts: { created, updated, deleted, unchanged, skipped: skippedCount, untracked },
    skipped: skipped.map((s) => ({ externalId: s.external_id, reason: s.reason })),
  };
}

/** A VPS of the wire in the client's naming. */
export function fromWire(w: z.output<typeof wireVps>): Vps {
  return {
    id: w.id,
    userId: w.user_id,
    externalId: w.external_id,
    name: w.name,
    status: w.status,
    cpu: w.cpu,
    ramMb: w.ram,
    diskGb: w.disk,
    os: w.os,
    hypervisor: w.hypervisor,
    version: w.version,
    createdAt: w.created_at,
    updatedAt: w.updated_at,
  };
}

/** The answer's body if it has the documented shape; else a VpsSyncError (not retried). */
export function parse<S extends z.ZodMiniType>(schema: S, answer: Answer): z.output<S> {
  const result = z.safeParse(schema, answer.body);
  if (result.success) return result.data;
  throw new VpsSyncError(`Unexpected answer to a sync call (HTTP ${answer.status})`, {
    status: answer.status,
    requestId: answer.requestId,
    body: answer.body,
    cause: result.error,
  });
}
