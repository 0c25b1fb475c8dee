import { RECONCILE_RUN_TTL_MS, type ReconcilePage } from '../../contract/index.js';
import type { ReconcilePageResult, ReconcileResult, ReconcileRunRefusal } from '../types.js';

/** A paged reconcile's run as both stores keep it. */
export interface ReconcileRun {
  id: string;
  user_id: number;
  version: number | null;
  pages: number;
  state: 'open' | 'committed';
  expires_at: Date;
}

/** What an acceptable page does to its run: starts it, adds the next page, or applies the last one again (a retry). */
export type PageStep = 'start' | 'next' | 'repeat';

/**
 * Whether `page` may apply to `run` (undefined: no such run) at `now`, and as what. Pages come in
 * order; the last one applied may come again (its answer was lost), and is applied again
 * harmlessly: what it wrote is then unchanged, its external_ids are listed already.
 */
export function judgePage(
  run: ReconcileRun | undefined,
  userId: number,
  version: number | undefined,
  page: ReconcilePage,
  now: Date,
): PageStep | ReconcileRunRefusal {
  if (!run) return page.number === 1 ? 'start' : { outcome: 'not_found' };
  if (run.user_id !== userId) return { outcome: 'mismatch', field: 'user_id' };
  if (run.version !== (version ?? null)) return { outcome: 'mismatch', field: 'version' };
  if (run.state === 'committed') return { outcome: 'closed' };
  if (run.expires_at.getTime() <= now.getTime()) return { outcome: 'expired' };
  if (page.number === run.pages + 1) return 'next';
  if (page.number === run.pages) return 'repeat';
  return { outcome: 'out_of_order', next: run.pages + 1 };
}

export const isRefusal = (judged: PageStep | ReconcileRunRefusal): judged is ReconcileRunRefusal => typeof judged !== 'string';

/** The run after `page` applied at `now`. */
export function runAfter(page: ReconcilePage, now: Date): { pages: number; state: 'open' | 'committed'; expires_at: Date } {
  return { pages: page.number, state: page.final ? 'committed' : 'open', expires_at: new Date(now.getTime() + RECONCILE_RUN_TTL_MS) };
}

/** The applied answer of a page. */
export function appliedPage(result: ReconcileResult, page: ReconcilePage, now: Date): ReconcilePageResult {
  const { pages, state, expires_at } = runAfter(page, now);
  return { outcome: 'applied', result, run: { pages, committed: state === 'committed', expires_at } };
}

/**
 * The final page's sweep, added to its result: `deleted` are the VPS no page listed that it
 * deleted (as the delete left them); `kept` are the user's other live VPS no page listed: without
 * an external_id (untracked), or written at or after the list's version (newer_than_snapshot).
 */
export function withSweep(
  result: ReconcileResult,
  deleted: { id: number; external_id: string | null; version: number }[],
  kept: { external_id: string | null }[],
): ReconcileResult {
  const counts = { ...result.counts };
  const skipped = [...result.skipped];
  const changes = [...result.changes];
  // The sweep deletes only VPS with an external_id; each one it deleted is counted and is a change.
  for (const { id, external_id, version } of deleted) {
    if (external_id === null) continue;
    counts.deleted++;
    changes.push({ action: 'delete', id, external_id, version });
  }
  for (const { external_id } of kept) {
    if (external_id === null) counts.untracked++;
    else {
      counts.skipped++;
      skipped.push({ external_id, reason: 'newer_than_snapshot' });
    }
  }
  return { counts, skipped, changes };
}
