import type {
  Hypervisor,
  ReconcileCounts,
  ReconcileItem,
  ReconcilePage,
  ReconcileSkipReason,
  SyncOutcome,
  VpsCreate,
  VpsPatch,
  VpsRef,
  VpsStatus,
} from '../contract/index.js';

/**
 * A VPS as the API shows it. Timestamps are ISO 8601 strings in UTC with milliseconds, exactly as
 * Date#toISOString() writes them: the read path has the database format them, so a listing
 * serialises strings, not 100 Dates.
 */
export interface Vps {
  id: number;
  user_id: number;
  external_id: string | null;
  name: string;
  status: VpsStatus;
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: Hypervisor;
  /** The main site's ordering stamp of the last applied write; 0 when none was given. */
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * What a write did, in the wire's outcomes (contract/outcomes.ts), plus `not_found` (no such
 * VPS: 404) and `conflict` (the external_id holds other data: 409). `vps` is the VPS as it is
 * now whenever it exists.
 */
export type CreateResult =
  | { outcome: Extract<SyncOutcome, 'created' | 'replayed' | 'already_deleted'>; vps: Vps }
  /** `deleted`: the VPS holding the external_id is deleted (its tombstone keeps the id taken). */
  | { outcome: 'conflict'; vps: Vps; deleted: boolean };

export type UpdateResult = { outcome: Extract<SyncOutcome, 'updated' | 'stale' | 'already_deleted'>; vps: Vps } | { outcome: 'not_found' };

/** A delete that applied answers with the reference it was given: it is one statement, and MySQL cannot return rows. */
export type DeleteResult =
  | { outcome: 'deleted'; vps: VpsRef }
  | { outcome: Extract<SyncOutcome, 'already_deleted' | 'stale'>; vps: Vps }
  | { outcome: 'not_found' };

export interface ListOptions {
  limit: number;
  before?: number;
  status?: VpsStatus[];
  hypervisor?: Hypervisor[];
}

export interface ListPage<T = Vps> {
  items: T[];
  /** Id of the last item when more follow; pass it back as `before` for the next page. */
  next: number | null;
}

/** A VPS as the main site reads it: tombstones included, with when they were deleted (null: live). */
export interface VpsRecord extends Vps {
  /** ISO 8601, as the timestamps of Vps. */
  deleted_at: string | null;
}

export interface MainSiteListOptions {
  limit: number;
  before?: number;
  /** Tombstones too (true), or live VPS only. */
  includeDeleted: boolean;
}

/** A write a reconcile applied: the VPS as that write left it. */
export interface ReconcileChange {
  action: 'create' | 'update' | 'delete';
  id: number;
  external_id: string;
  version: number;
}

export interface ReconcileResult {
  counts: ReconcileCounts;
  skipped: { external_id: string; reason: ReconcileSkipReason }[];
  /**
   * The writes it applied, one per create, update and delete its counts count (none on a dry
   * run): for the audit trail, not for the answer.
   */
  changes: ReconcileChange[];
}

/** Why a page of a paged reconcile was not applied (nothing of it was). */
export type ReconcileRunRefusal =
  | { outcome: 'not_found' }
  | { outcome: 'expired' }
  | { outcome: 'closed' }
  | { outcome: 'out_of_order'; next: number }
  | { outcome: 'mismatch'; field: 'user_id' | 'version' }
  /** The page lists external_ids an earlier page of its run listed already: nothing of it applied. */
  | { outcome: 'relisted'; externalIds: string[] };

/** What a page of a paged reconcile did: its own result, and its run's state after it. */
export type ReconcilePageResult =
  | { outcome: 'applied'; result: ReconcileResult; run: { pages: number; committed: boolean; expires_at: Date } }
  | ReconcileRunRefusal;

/**
 * Where VPS live. The handlers depend on this alone; one implementation per database
 * (store/d1/, store/planetscale/), both held to test/worker/store-contract.test.ts.
 * Deleted VPS are tombstoned: invisible to get/list (the main site reads them through
 * getForMainSite/listForMainSite), never brought back by a late write.
 * Implementations throw StoreUnavailableError when the database cannot answer.
 */
export interface VpsStore {
  /** Creates the VPS; a create repeated for its external_id is a replay, another payload a conflict. */
  create(input: VpsCreate): Promise<CreateResult>;
  /** Applies `patch` unless `version` is given and not newer than the stored one. */
  update(ref: VpsRef, patch: VpsPatch, version?: number): Promise<UpdateResult>;
  delete(ref: VpsRef, version?: number): Promise<DeleteResult>;
  /** The owner's live VPS with that id; null for a missing, deleted or someone else's VPS. */
  get(userId: number, id: number): Promise<Vps | null>;
  /** For the main site: the VPS by id or external_id, deleted or not; null when it never existed. */
  getForMainSite(ref: VpsRef): Promise<VpsRecord | null>;
  /**
   * For the main site's drift checks: the user's VPS, newest first, tombstones included when
   * asked, `limit` at most, strictly older than `before` when given.
   */
  listForMainSite(userId: number, page: MainSiteListOptions): Promise<ListPage<VpsRecord>>;
  /**
   * The owner's live VPS, newest first, `limit` at most, strictly older than `before` when
   * given, and only of the given statuses and hypervisors when those are given.
   */
  listForUser(userId: number, page: ListOptions): Promise<ListPage>;
  /**
   * Makes the user's VPS equal `items` (by external_id), atomically; `dryRun` only counts.
   * `version`: the list's own stamp; VPS written at least that recently are not deleted.
   */
  reconcile(userId: number, items: ReconcileItem[], options: { dryRun: boolean; version?: number }): Promise<ReconcileResult>;
  /**
   * One page of a reconcile too large for one request, atomically: its creates and updates, its
   * external_ids recorded in the run; on the final page also the deletes of the user's VPS no
   * page listed (older than `version`), closing the run. A refused page changes nothing.
   */
  reconcilePage(userId: number, items: ReconcileItem[], options: { version?: number; page: ReconcilePage }, now: Date): Promise<ReconcilePageResult>;
  /** Drops paged reconciles expired at `now` and their listed external_ids (deleting no VPS); returns how many runs. */
  purgeExpiredReconciles(now: Date): Promise<number>;
  /** One trivial query of the VPS table (readiness): throws when the database or the table cannot answer. */
  ping(): Promise<void>;
}

/** What claiming an Idempotency-Key found. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_flight'; claimedAt: Date; expiresAt: Date }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string };

/**
 * Idempotency-Key records, in the same database as the VPS. A claim is atomic (a primary-key
 * insert, or a takeover of an expired record), so two requests with one key never both run.
 */
export interface IdempotencyStore {
  /** Claims `key` for a request with this body hash, or tells what holds it. */
  claim(key: string, requestHash: string, now: Date): Promise<IdempotencyClaim>;
  /**
   * Stores the first request's answer for replay, if the claim made at `claimedAt` still holds the
   * key: never over the record of a request that took it over after the lease.
   */
  complete(key: string, claimedAt: Date, status: number, body: string, now: Date): Promise<void>;
  /** Frees the claim made at `claimedAt` of a request that failed with a server error, so a retry runs it again. */
  release(key: string, claimedAt: Date): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

/**
 * The `webhook-id`s of signed sync requests, kept while their signature could still be
 * accepted (until their timestamp is out of the 5-minute window), so none is accepted twice.
 * A claim is atomic: two requests with one id never both pass.
 */
export interface WebhookIdStore {
  /** Records `id` until `expiresAt`; false when it is recorded already and not expired at `now`. */
  claim(id: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Forgets `id`: its request failed with a server error, so the same signed request may be retried. */
  release(id: string): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
