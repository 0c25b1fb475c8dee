import type { ReconcileItem, VpsCreate, VpsPatch } from '../../contract/index.js';
import { reconcileCreate, type StoredVps } from './outcomes.js';
import type { ReconcileChange, ReconcileResult } from '../types.js';

const COMPARED = ['name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor'] as const;

export interface ReconcilePlan {
  creates: VpsCreate[];
  /** Rows to rewrite, with the stored version they were planned against. */
  updates: { row: StoredVps; patch: VpsPatch; version: number }[];
  deletes: StoredVps[];
  result: ReconcileResult;
}

/**
 * Decides what makes `userId`'s VPS equal the main site's `items`, from `rows`: every row of
 * that user (tombstones included) and every row holding one of the items' external_ids. Pure,
 * so both stores plan alike and dry runs count exactly what a real run would do.
 * `snapshotVersion` is the main site's stamp of its list: a VPS written with a version at least
 * that new was made after the list and is not deleted for missing from it.
 */
export function planReconcile(userId: number, items: ReconcileItem[], rows: StoredVps[], snapshotVersion?: number): ReconcilePlan {
  const byExternalId = new Map(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, r]));
  const wanted = new Set(items.map((i) => i.external_id));
  const plan: ReconcilePlan = {
    creates: [],
    updates: [],
    deletes: [],
    // A plan has applied nothing: its result (a dry run's answer) has no changes.
    result: { counts: { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 }, skipped: [], changes: [] },
  };
  const { counts, skipped } = plan.result;
  const skip = (external_id: string, reason: ReconcileResult['skipped'][number]['reason']) => {
    counts.skipped++;
    skipped.push({ external_id, reason });
  };

  for (const listed of items) {
    const row = byExternalId.get(listed.external_id);
    // An item without a status keeps the stored one (a new VPS starts as creating).
    const item = { ...listed, status: listed.status ?? row?.status ?? 'creating' };
    if (!row) {
      plan.creates.push(reconcileCreate(userId, item));
      counts.created++;
    } else if (row.user_id !== userId) {
      skip(item.external_id, 'owned_by_another_user');
    } else if (row.deleted_at) {
      skip(item.external_id, 'deleted_in_panel');
    } else if (item.version !== undefined && item.version < row.version) {
      skip(item.external_id, 'stale_version');
    } else if (COMPARED.every((f) => row[f] === item[f]) && (item.version ?? row.version) === row.version) {
      counts.unchanged++;
    } else if (item.version !== undefined && item.version === row.version) {
      // Same version, other data: the panel's write under that version stands.
      skip(item.external_id, 'stale_version');
    } else {
      const patch = Object.fromEntries(COMPARED.map((f) => [f, item[f]])) as VpsPatch;
      plan.updates.push({ row, patch, version: item.version ?? row.version });
      counts.updated++;
    }
  }

  for (const row of rows) {
    if (row.user_id !== userId || row.deleted_at) continue;
    if (row.external_id === null) counts.untracked++;
    else if (wanted.has(row.external_id)) continue;
    else if (snapshotVersion !== undefined && row.version >= snapshotVersion) skip(row.external_id, 'newer_than_snapshot');
    else {
      plan.deletes.push(row);
      counts.deleted++;
    }
  }
  return plan;
}

/** A row a write changed, as that write left it. */
export interface AppliedRow {
  id: number;
  version: number;
}

/** The rows each kind of planned write actually changed, by external_id, as the statements reported them. */
export interface AppliedWrites {
  created: ReadonlyMap<string, AppliedRow>;
  updated: ReadonlyMap<string, AppliedRow>;
  deleted: ReadonlyMap<string, AppliedRow>;
}

const ACTIONS = { created: 'create', updated: 'update', deleted: 'delete' } as const;

/**
 * The answer of a reconcile whose guarded statements may have missed: counts and changes both
 * come from what the statements changed (so they always agree), and every planned write that
 * found its VPS changed since the plan's read (a write that slipped in between) is reported as
 * skipped, `changed_during_reconcile`.
 */
export function settleReconcile(plan: ReconcilePlan, applied: AppliedWrites): ReconcileResult {
  const counts = { ...plan.result.counts, created: 0, updated: 0, deleted: 0 };
  const skipped = [...plan.result.skipped];
  const changes: ReconcileChange[] = [];
  const settle = (externalIds: (string | null | undefined)[], kind: keyof AppliedWrites) => {
    for (const external_id of externalIds) {
      if (!external_id) continue;
      const row = applied[kind].get(external_id);
      if (row) {
        counts[kind]++;
        changes.push({ action: ACTIONS[kind], id: row.id, external_id, version: row.version });
      } else {
        counts.skipped++;
        skipped.push({ external_id, reason: 'changed_during_reconcile' });
      }
    }
  };
  settle(plan.creates.map((c) => c.external_id), 'created');
  settle(plan.updates.map((u) => u.row.external_id), 'updated');
  settle(plan.deletes.map((r) => r.external_id), 'deleted');
  return { counts, skipped, changes };
}
