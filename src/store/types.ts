import type {
  Hypervisor,
  ReconcileCounts,
  ReconcileItem,
  ReconcileSkipReason,
  SyncOutcome,
  VpsCreate,
  VpsPatch,
  VpsRef,
  VpsStatus,
} from '../contract';

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
  | { outcome: 'conflict'; vps: Vps };

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

export interface ListPage {
  items: Vps[];
  /** Id of the last item when more follow; pass it back as `before` for the next page. */
  next: number | null;
}

export interface ReconcileResult {
  counts: ReconcileCounts;
  skipped: { external_id: string; reason: ReconcileSkipReason }[];
}

/**
 * Where VPS live. The handlers depend on this alone; one implementation per database
 * (store/d1/, store/planetscale/), both held to test/worker/store-contract.test.ts.
 * Deleted VPS are tombstoned: invisible to get/list, never brought back by a late write.
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
  /** One trivial query of the VPS table (readiness): throws when the database or the table cannot answer. */
  ping(): Promise<void>;
}

/** What claiming an Idempotency-Key found. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string };

/**
 * Idempotency-Key records, in the same database as the VPS. A claim is atomic (a primary-key
 * insert, or a takeover of an expired record), so two requests with one key never both run.
 */
export interface IdempotencyStore {
  /** Claims `key` for a request with this body hash, or tells what holds it. */
  claim(key: string, requestHash: string, now: Date): Promise<IdempotencyClaim>;
  /** Stores the first request's answer for replay. */
  complete(key: string, status: number, body: string, now: Date): Promise<void>;
  /** Frees a claim whose request failed with a server error, so a retry runs it again. */
  release(key: string): Promise<void>;
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
