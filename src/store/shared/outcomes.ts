import { createFingerprint, type IdempotencyState, type ReconcileItem, type VpsCreate } from '../../contract/index.js';
import type { CreateResult, DeleteResult, IdempotencyClaim, UpdateResult, Vps } from '../types.js';

/** The API's columns as the stores decode them: timestamps as Dates. */
export type VpsRow = Omit<Vps, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };

/** A row as the stores read it for decisions: the API's VPS plus tombstone and create fingerprint. */
export interface StoredVps extends VpsRow {
  deleted_at: Date | null;
  create_hash: string | null;
}

/** The VPS a row shows (timestamps as ISO strings, in place, so the JSON keeps its key order). */
export function toVps({ deleted_at: _deleted, create_hash: _hash, ...row }: VpsRow & Partial<Pick<StoredVps, 'deleted_at' | 'create_hash'>>): Vps {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/** A create whose external_id already exists: the same payload is a replay, another one a conflict (with a VPS live or deleted). */
export function existingCreateOutcome(row: StoredVps, fingerprint: string): CreateResult {
  if (row.create_hash !== fingerprint) return { outcome: 'conflict', vps: toVps(row), deleted: row.deleted_at !== null };
  return { outcome: row.deleted_at ? 'already_deleted' : 'replayed', vps: toVps(row) };
}

/** Why a guarded update did not apply, from the row as it is now. */
export function missedUpdateOutcome(row: StoredVps | undefined): UpdateResult {
  if (!row) return { outcome: 'not_found' };
  return { outcome: row.deleted_at ? 'already_deleted' : 'stale', vps: toVps(row) };
}

/** Why a guarded delete did not apply, from the row as it is now. */
export function missedDeleteOutcome(row: StoredVps | undefined): DeleteResult {
  if (!row) return { outcome: 'not_found' };
  return { outcome: row.deleted_at ? 'already_deleted' : 'stale', vps: toVps(row) };
}

/**
 * The row values of a new VPS, fingerprint included; the stores add nothing but the id. Keyed in
 * the API's order (columns.ts), whichever optional fields the create left out: an answer built
 * from it (PlanetScale's create) is the JSON a read of the row gives.
 */
export async function newRow(input: VpsCreate, now: Date) {
  const { user_id, name, status, cpu, ram, disk, os, hypervisor } = input;
  return {
    user_id,
    external_id: input.external_id ?? null,
    name,
    status,
    cpu,
    ram,
    disk,
    os,
    hypervisor,
    version: input.version ?? 0,
    created_at: now,
    updated_at: now,
    create_hash: await createFingerprint(input),
  };
}

export type NewRow = Awaited<ReturnType<typeof newRow>>;

/** A reconcile item, its status decided (planReconcile), as the create it stands for, owner included. */
export function reconcileCreate(userId: number, { version, ...item }: ReconcileItem & Pick<VpsCreate, 'status'>): VpsCreate {
  return { user_id: userId, ...item, ...(version === undefined ? {} : { version }) };
}

/** What an Idempotency-Key record that could not be claimed means for this request. */
export function heldKeyOutcome(
  row: {
    request_hash: string;
    state: IdempotencyState;
    response_status: number | null;
    response_body: string | null;
    created_at: Date;
    expires_at: Date;
  },
  requestHash: string,
): IdempotencyClaim {
  if (row.request_hash !== requestHash) return { state: 'mismatch' };
  if (row.state === 'in_flight') return { state: 'in_flight', claimedAt: row.created_at, expiresAt: row.expires_at };
  return { state: 'done', status: row.response_status!, body: row.response_body! };
}
