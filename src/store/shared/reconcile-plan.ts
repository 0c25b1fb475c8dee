import type { ReconcileItem, VpsCreate, VpsPatch } from '../../contract';
import { reconcileCreate, type StoredVps } from './outcomes';
import type { ReconcileResult } from '../types';

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
    result: { counts: { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 }, skipped: [] },
  };
  const { counts, skipped } = plan.result;
  const skip = (external_id: string, reason: ReconcileResult['skipped'][number]['reason']) => {
    counts.skipped++;
    skipped.push({ external_id, reason });
  };

  for (const item of items) {
    const row = byExternalId.get(item.external_id);
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

/** The external_ids each kind of planned write actually changed, as the statements reported them. */
export interface AppliedWrites {
  created: ReadonlySet<string>;
  updated: ReadonlySet<string>;
  deleted: ReadonlySet<string>;
}

/**
 * The answer of a reconcile whose guarded statements may have missed: counts come from what
 * the statements changed, and every planned write that found its VPS changed since the plan's
 * read (a write that slipped in between) is reported as skipped, `changed_during_reconcile`.
 */
export function settleReconcile(plan: ReconcilePlan, applied: AppliedWrites): ReconcileResult {
  const counts = { ...plan.result.counts, created: 0, updated: 0, deleted: 0 };
  const skipped = [...plan.result.skipped];
  const settle = (externalIds: (string | null | undefined)[], done: ReadonlySet<string>, kind: 'created' | 'updated' | 'deleted') => {
    for (const id of externalIds) {
      if (!id) continue;
      if (done.has(id)) counts[kind]++;
      else {
        counts.skipped++;
        skipped.push({ external_id: id, reason: 'changed_during_reconcile' });
      }
    }
  };
  settle(plan.creates.map((c) => c.external_id), applied.created, 'created');
  settle(plan.updates.map((u) => u.row.external_id), applied.updated, 'updated');
  settle(plan.deletes.map((r) => r.external_id), applied.deleted, 'deleted');
  return { counts, skipped };
}
