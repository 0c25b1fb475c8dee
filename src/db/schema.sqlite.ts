import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { IDEMPOTENCY_STATES } from '../contract/idempotency.js';
import { BOUNDS, EXTERNAL_ID, HYPERVISORS, MAX_LENGTH, VPS_STATUSES } from '../contract/fields.js';

const between = (min: number, max: number) => sql.raw(`${min} AND ${max}`);
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** The VPS table on D1 (SQLite). Mirrors db/schema.mysql.ts column for column. */
export const vps = sqliteTable(
  'vps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The main site's id of this VPS; unique, so a repeated create can never make a second row. */
    external_id: text('external_id'),
    user_id: integer('user_id').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: VPS_STATUSES }).notNull(),
    cpu: integer('cpu').notNull(),
    ram: integer('ram').notNull(),
    disk: integer('disk').notNull(),
    os: text('os').notNull(),
    hypervisor: text('hypervisor', { enum: HYPERVISORS }).notNull(),
    created_at: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updated_at: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** The main site's ordering stamp of the last applied write (0: none given yet). */
    version: integer('version').notNull().default(0),
    /** SHA-256 of the create payload, to tell a replayed create from a conflicting one. */
    create_hash: text('create_hash'),
    /** Tombstone: a deleted VPS keeps its row so a late event cannot resurrect it. */
    deleted_at: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // Serves the owner listing: WHERE user_id = ? AND deleted_at IS NULL ORDER BY id DESC.
    index('vps_owner_listing_idx').on(t.user_id, t.deleted_at, t.id),
    // Serves the main site's listing with tombstones: WHERE user_id = ? ORDER BY id DESC, a page
    // at a time (the index above would read and sort all of the user's rows, tombstones piling up).
    index('vps_user_idx').on(t.user_id, t.id),
    uniqueIndex('vps_external_id_unique').on(t.external_id),
    // SQLite columns are untyped; these keep the table as strict as the MySQL one.
    check('vps_user_id_range', sql`${t.user_id} BETWEEN ${between(BOUNDS.user_id.min, BOUNDS.user_id.max)}`),
    check('vps_cpu_range', sql`${t.cpu} BETWEEN ${between(BOUNDS.cpu.min, BOUNDS.cpu.max)}`),
    check('vps_ram_range', sql`${t.ram} BETWEEN ${between(BOUNDS.ram.min, BOUNDS.ram.max)}`),
    check('vps_disk_range', sql`${t.disk} BETWEEN ${between(BOUNDS.disk.min, BOUNDS.disk.max)}`),
    check('vps_name_length', sql`length(${t.name}) BETWEEN ${between(1, MAX_LENGTH.name)}`),
    check('vps_external_id_length', sql`length(${t.external_id}) BETWEEN ${between(1, EXTERNAL_ID.maxLength)}`),
    check('vps_version_range', sql`${t.version} >= 0`),
    check('vps_os_length', sql`length(${t.os}) BETWEEN ${between(1, MAX_LENGTH.os)}`),
    check('vps_status_enum', sql`${t.status} IN (${inList(VPS_STATUSES)})`),
    check('vps_hypervisor_enum', sql`${t.hypervisor} IN (${inList(HYPERVISORS)})`),
  ],
);

/** Idempotency-Key records of POST /api/vps/sync: a claim while in flight, then the stored answer. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    key: text('key').primaryKey(),
    request_hash: text('request_hash').notNull(),
    state: text('state', { enum: IDEMPOTENCY_STATES }).notNull(),
    response_status: integer('response_status'),
    response_body: text('response_body'),
    created_at: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** In flight: the claim's lease; done: when the stored answer is forgotten. */
    expires_at: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('idempotency_keys_expires_idx').on(t.expires_at)],
);

/** `webhook-id`s of signed sync requests, kept until their signature's timestamp leaves the window. */
export const webhookIds = sqliteTable(
  'webhook_ids',
  {
    id: text('id').primaryKey(),
    expires_at: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('webhook_ids_expires_idx').on(t.expires_at)],
);

/** Open while its pages arrive; committed once the final page has applied the deletes. */
const RECONCILE_RUN_STATES = ['open', 'committed'] as const;

/** Paged reconciles (one row per reconcile_id): open while pages arrive, committed by the final page. */
export const reconcileRuns = sqliteTable(
  'reconcile_runs',
  {
    id: text('id').primaryKey(),
    user_id: integer('user_id').notNull(),
    /** The list's version, the same on every page; null when the pages carry none. */
    version: integer('version'),
    /** Pages applied so far (1..N, in order). */
    pages: integer('pages').notNull(),
    state: text('state', { enum: RECONCILE_RUN_STATES }).notNull(),
    created_at: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** An hour after the last page: an open run is abandoned then, deleting nothing. */
    expires_at: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('reconcile_runs_expires_idx').on(t.expires_at)],
);

/** The external_ids a paged reconcile's pages listed so far: its final page deletes the user's VPS not among them. */
export const reconcileListedIds = sqliteTable(
  'reconcile_listed_ids',
  {
    run_id: text('run_id').notNull(),
    external_id: text('external_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.external_id] })],
);
