import { CHANGED_COLUMNS, DESCRIBED_COLUMNS, NEW_ROW_COLUMNS } from '../shared/columns.js';
import { newRow, type StoredVps } from '../shared/outcomes.js';
import type { AppliedRow, AppliedWrites, ReconcilePlan } from '../shared/reconcile-plan.js';
import type { SqlValue } from '../shared/statement.js';
import { insertRows, updateSet } from '../shared/write-sql.js';
import type { D1Sql } from './sql.js';

/** D1 binds at most 100 parameters per statement: multi-row writes go in chunks. */
const MAX_PARAMS = 100;
const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The row exactly as a reconcile's plan read it: any write since (even in the same millisecond) breaks the match. */
const UNCHANGED_SINCE = `(id = ? AND deleted_at IS NULL AND user_id = ? AND version = ? AND updated_at = ? AND ${DESCRIBED_COLUMNS.map((c) => `${c} = ?`).join(' AND ')})`;
const unchangedSince = (row: StoredVps): SqlValue[] => [row.id, row.user_id, row.version, row.updated_at, ...DESCRIBED_COLUMNS.map((c) => row[c])];
/** Bound parameters of one UNCHANGED_SINCE guard. */
const GUARD_PARAMS = 4 + DESCRIBED_COLUMNS.length;

type WriteKind = keyof AppliedWrites;

/** What each write of a reconcile returns: the row as it left it. */
export const RETURNING_CHANGED = ` RETURNING ${CHANGED_COLUMNS}`;
export type ChangedRow = { id: number; external_id: string | null; version: number };

/**
 * A reconcile plan as batch statements, each guarded by the state the plan was made from, each
 * returning the rows it changed (id, external_id, version); `kinds[i]` says what statement i writes.
 */
export async function planStatements(sql: D1Sql, plan: ReconcilePlan, now: Date) {
  const creates = await Promise.all(plan.creates.map((c) => newRow(c, now)));
  const statements: D1PreparedStatement[] = [];
  const kinds: WriteKind[] = [];
  for (const part of chunk(creates, Math.floor(MAX_PARAMS / NEW_ROW_COLUMNS.length))) {
    const insert = insertRows(part);
    statements.push(sql.statement(`${insert.sql} ON CONFLICT (external_id) DO NOTHING${RETURNING_CHANGED}`, insert.params));
    kinds.push('created');
  }
  for (const { row, patch, version } of plan.updates) {
    const set = updateSet(patch, now, version);
    const columns = Object.keys(set).map((c) => `${c} = ?`);
    statements.push(sql.statement(`UPDATE vps SET ${columns.join(', ')} WHERE ${UNCHANGED_SINCE}${RETURNING_CHANGED}`, [...Object.values(set), ...unchangedSince(row)]));
    kinds.push('updated');
  }
  for (const part of chunk(plan.deletes, Math.floor((MAX_PARAMS - 2) / GUARD_PARAMS))) {
    const guards = part.map(() => UNCHANGED_SINCE).join(' OR ');
    statements.push(sql.statement(`UPDATE vps SET deleted_at = ?, updated_at = ? WHERE ${guards}${RETURNING_CHANGED}`, [now, now, ...part.flatMap(unchangedSince)]));
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
