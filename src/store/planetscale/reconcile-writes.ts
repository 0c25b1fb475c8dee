import type { Transaction } from '@planetscale/database';
import { CHANGED_COLUMNS, DESCRIBED_COLUMNS } from '../shared/columns.js';
import { newRow } from '../shared/outcomes.js';
import type { AppliedRow, AppliedWrites, ReconcilePlan } from '../shared/reconcile-plan.js';
import { placeholders, type SqlValue } from '../shared/statement.js';
import { execute } from './sql.js';
import { changedRow, type ChangedRowOnMysql } from './vps-row.js';

/** Every column of the VPS table: a row of the upsert names each, DEFAULT where it has no value (a create's id and tombstone). */
const UPSERT_COLUMNS = ['id', 'external_id', 'user_id', ...DESCRIBED_COLUMNS, 'created_at', 'updated_at', 'version', 'create_hash', 'deleted_at'] as const;
type UpsertRow = Partial<Record<(typeof UPSERT_COLUMNS)[number], SqlValue>>;
/** A row found by external_id gets the described columns, version and time; it keeps its owner, creation time and fingerprint. */
const ON_DUPLICATE = ` ON DUPLICATE KEY UPDATE ${[...DESCRIBED_COLUMNS, 'version', 'updated_at'].map((c) => `${c} = VALUES(${c})`).join(', ')}`;

/**
 * A plan's creates and updates as one upsert (one round trip), inside a transaction whose
 * locking read the plan was made from.
 */
export async function upsertPlan(tx: Transaction, plan: ReconcilePlan, now: Date): Promise<void> {
  const upserts: UpsertRow[] = [
    ...(await Promise.all(plan.creates.map((c) => newRow(c, now)))),
    // Existing rows keep their owner, creation time and fingerprint: ON_DUPLICATE only
    // rewrites the described columns of the rows it finds by external_id.
    ...plan.updates.map(({ row, patch, version }) => ({ ...row, ...patch, version, updated_at: now })),
  ];
  if (!upserts.length) return;
  const tuples = upserts.map((row) => `(${UPSERT_COLUMNS.map((c) => (row[c] === undefined ? 'DEFAULT' : '?')).join(', ')})`);
  const params = upserts.flatMap((row) => UPSERT_COLUMNS.flatMap((c) => (row[c] === undefined ? [] : [row[c]])));
  await execute(tx, `INSERT INTO vps (${UPSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}${ON_DUPLICATE}`, params);
}

/**
 * What a plan applied under its transaction's locks: all of it, as the locking read keeps every
 * planned write true until COMMIT. The created rows' ids are read back (MySQL returns no rows
 * from an insert): one more round trip, only when the plan creates.
 */
export async function appliedPlan(tx: Transaction, plan: ReconcilePlan): Promise<AppliedWrites> {
  const createdIds = plan.creates.flatMap((c) => (c.external_id ? [c.external_id] : []));
  const created = createdIds.length
    ? (await execute<ChangedRowOnMysql>(tx, `SELECT ${CHANGED_COLUMNS} FROM vps WHERE external_id IN (${placeholders(createdIds.length)})`, createdIds)).rows.map(changedRow)
    : [];
  const byExternalId = (rows: { id: number; external_id: string | null; version: number }[]) =>
    new Map<string, AppliedRow>(rows.flatMap(({ id, external_id, version }) => (external_id ? [[external_id, { id, version }]] : [])));
  return {
    created: byExternalId(created),
    updated: byExternalId(plan.updates.map(({ row, version }) => ({ id: row.id, external_id: row.external_id, version }))),
    deleted: byExternalId(plan.deletes),
  };
}
