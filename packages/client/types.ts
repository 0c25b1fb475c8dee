/**
 * The client's vocabulary: the main site's own names and units (camelCase, RAM in GB or MB,
 * disk in GB), converted to the wire's by request-body.ts and back by result.ts.
 */
import type { Hypervisor, ReconcileCounts, ReconcileSkipReason, SyncOutcome, VpsStatus } from '../../src/contract/index.js';

export type { Hypervisor, SyncOutcome, VpsStatus };

/** RAM in exactly one unit: GB as the main site sells it (sent × 1024) or MB as the panel stores it. */
export type Ram = { ramGb: number; ramMb?: never } | { ramMb: number; ramGb?: never };

/** A VPS's description, as the main site knows it. */
interface Spec {
  name: string;
  /** Default `creating`. */
  status?: VpsStatus;
  cpu: number;
  diskGb: number;
  os: string;
  hypervisor: Hypervisor;
}

export type CreateVpsInput = Spec &
  Ram & {
    /** The user id from SSO (the panel's `user_id`). */
    userId: number;
    /** The main site's own id of this VPS (1..64 visible ASCII characters); lets it address the VPS later without storing the panel's id. */
    externalId?: string;
    /** Ordering stamp of this state on the main site (e.g. its updated-at in ms); older writes are not applied over newer ones. */
    version?: number;
  };

/** Which VPS: the panel's `id` or the main site's `externalId`. */
export type VpsRef = { id: number; externalId?: never } | { externalId: string; id?: never };

/** The fields to change, at least one; RAM in at most one unit. */
export type VpsChanges = Partial<Spec> &
  ({ ramGb?: number; ramMb?: never } | { ramMb?: number; ramGb?: never });

export interface CallOptions {
  /** Reused on every retry of this call; one is generated per call when absent. */
  idempotencyKey?: string;
  /** Cancels the call, retries and waits included. */
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** Ordering stamp of this change; not applied when the stored VPS has a newer one. */
  version?: number;
}

/** A VPS as the panel stores it, in the main site's naming. */
export interface Vps {
  id: number;
  userId: number;
  externalId: string | null;
  name: string;
  status: VpsStatus;
  cpu: number;
  /** The panel stores MB; divide by 1024 for GB. */
  ramMb: number;
  diskGb: number;
  os: string;
  hypervisor: Hypervisor;
  /** The last applied write's version; 0 when none was given. */
  version: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  updatedAt: string;
}

export interface SyncResult {
  /**
   * false when nothing was written: a replayed create, a version not newer than the stored one,
   * a delete of a VPS already deleted.
   */
  applied: boolean;
  /** Why: created, updated, deleted (applied); replayed, stale, already_deleted (not applied). */
  outcome: SyncOutcome;
  /** The VPS as stored after the call. */
  vps: Vps;
}

export interface DeleteResult {
  /** false when it was already deleted, or the stored version is newer. */
  applied: boolean;
  outcome: SyncOutcome;
  /** The VPS as stored; null when the server answers with its reference only (as it does when it deletes it). */
  vps: Vps | null;
}

export type ReconcileItem = Omit<Spec, 'status'> &
  Ram & {
    externalId: string;
    /** Left out: a VPS the panel has keeps its status, a new one starts as `creating`. */
    status?: VpsStatus;
    version?: number;
  };

export interface ReconcileInput {
  userId: number;
  /** The user's complete set of VPS on the main site: the panel creates, updates and deletes to match it. */
  vps: ReconcileItem[];
  /** Only count what would change. */
  dryRun?: boolean;
  /** The list's own stamp (same scale as the VPS versions): VPS written since then are kept, not deleted. */
  version?: number;
}

export type { ReconcileCounts, ReconcileSkipReason };

export interface ReconcileResult {
  dryRun: boolean;
  counts: ReconcileCounts;
  /** VPS the panel did not touch, and why (a reason a newer server adds comes through as a string). */
  skipped: { externalId: string; reason: ReconcileSkipReason | (string & {}) }[];
  /** A list longer than one request (200 VPS) only: how many pages it was sent in. */
  pages?: number;
}

/** The panel's record of a VPS, as the main site's reads answer it: deleted ones included. */
export interface VpsRecord extends Vps {
  /** true for a deleted VPS: the panel keeps its last state as a tombstone. */
  deleted: boolean;
  /** When it was deleted (ISO 8601, UTC); null while it is live. */
  deletedAt: string | null;
}

export interface ReadOptions {
  /** Cancels the call, retries and waits included. */
  signal?: AbortSignal;
}

export interface UserVpsOptions extends ReadOptions {
  /** VPS per page, 1 to 100; default 50. */
  limit?: number;
  /** Deleted VPS too (default true: a drift check must see deletions); false: live VPS only. */
  includeDeleted?: boolean;
}

export interface UserVpsPageOptions extends UserVpsOptions {
  /** `nextCursor` of the previous page; absent for the first. */
  cursor?: string;
}

/** One page of a user's VPS, newest first. */
export interface VpsPage {
  vps: VpsRecord[];
  /** Pass it as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
