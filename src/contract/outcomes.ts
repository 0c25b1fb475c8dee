/**
 * What a sync event did, for machines (`outcome`) and people (`message`). The first three
 * changed the panel (`applied: true`); the others changed nothing, so the sender can stop
 * retrying.
 */
export const OUTCOMES = {
  created: { message: 'VPS synced successfully', applied: true },
  updated: { message: 'VPS synced successfully', applied: true },
  deleted: { message: 'VPS synced successfully', applied: true },
  replayed: { message: 'VPS already synced', applied: false },
  stale: { message: 'Not applied: the stored version is newer or the same', applied: false },
  already_deleted: { message: 'VPS already deleted', applied: false },
} as const;
export type SyncOutcome = keyof typeof OUTCOMES;
export const SYNC_OUTCOMES = Object.keys(OUTCOMES) as [SyncOutcome, ...SyncOutcome[]];

/**
 * Why a reconcile left an item of the main site's list (or a VPS missing from it) alone.
 * `changed_during_reconcile`: another write reached the VPS between the reconcile's read and its
 * write; that write stands and the reconcile did not touch the VPS.
 */
export const RECONCILE_SKIP_REASONS = [
  'stale_version',
  'deleted_in_panel',
  'owned_by_another_user',
  'newer_than_snapshot',
  'changed_during_reconcile',
] as const;
export type ReconcileSkipReason = (typeof RECONCILE_SKIP_REASONS)[number];

/** What a reconcile did (or, in a dry run, would do). */
export interface ReconcileCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  /** The user's VPS without an external_id: the main site cannot name them, so they are left alone. */
  untracked: number;
}
