import { and, eq, isNull, or, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { vps } from '../../db/schema.sqlite';
import { newRow, type StoredVps } from '../shared/outcomes';
import type { AppliedRow, AppliedWrites, ReconcilePlan } from '../shared/reconcile-plan';

/** D1 binds at most 100 parameters per statement: multi-row writes go in chunks. */
const MAX_PARAMS = 100;
const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const DESCRIBED = ['name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor'] as const;
/** The row exactly as a reconcile's plan read it: any write since (even in the same millisecond) breaks the match. */
const unchangedSince = (row: StoredVps): SQL =>
  and(
    eq(vps.id, row.id),
    isNull(vps.deleted_at),
    eq(vps.user_id, row.user_id),
    eq(vps.version, row.version),
    eq(vps.updated_at, row.updated_at),
    ...DESCRIBED.map((f) => eq(vps[f], row[f])),
  )!;
/** Bound parameters of one unchangedSince() guard. */
const GUARD_PARAMS = 5 + DESCRIBED.length;

type WriteKind = keyof AppliedWrites;

/** What each write of a reconcile returns: the row as it left it. */
export const changedRow = { id: vps.id, external_id: vps.external_id, version: vps.version };
export type ChangedRow = { id: number; external_id: string | null; version: number };

/**
 * A reconcile plan as batch statements, each guarded by the state the plan was made from, each
 * returning the rows it changed (id, external_id, version); `kinds[i]` says what statement i writes.
 */
export async function planStatements(db: DrizzleD1Database, plan: ReconcilePlan, now: Date) {
  const creates = await Promise.all(plan.creates.map((c) => newRow(c, now)));
  const returning = changedRow;
  const statements: BatchItem<'sqlite'>[] = [];
  const kinds: WriteKind[] = [];
  const rowsPerInsert = creates.length ? Math.floor(MAX_PARAMS / Object.keys(creates[0]!).length) : 1;
  for (const part of chunk(creates, rowsPerInsert)) {
    statements.push(db.insert(vps).values(part).onConflictDoNothing({ target: vps.external_id }).returning(returning));
    kinds.push('created');
  }
  for (const { row, patch, version } of plan.updates) {
    statements.push(db.update(vps).set({ ...patch, version, updated_at: now }).where(unchangedSince(row)).returning(returning));
    kinds.push('updated');
  }
  for (const part of chunk(plan.deletes, Math.floor((MAX_PARAMS - 2) / GUARD_PARAMS))) {
    statements.push(db.update(vps).set({ deleted_at: now, updated_at: now }).where(or(...part.map(unchangedSince))).returning(returning));
    kinds.push('deleted');
  }
  return { statements, kinds };
}

/** What the statements of planStatements() changed, from their RETURNING rows. */
export function appliedWrites(results: ChangedRow[][], kinds: WriteKind[]): AppliedWrites {
  const applied = { created: new Map<string, AppliedRow>(), updated: new Map<string, AppliedRow>(), deleted: new Map<string, AppliedRow>() };
  results.forEach((changed, i) => {
    for (const { id, external_id, version } of changed) if (external_id) applied[kinds[i]!].set(external_id, { id, version });
  });
  return applied;
}
