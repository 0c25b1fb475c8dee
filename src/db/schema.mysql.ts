import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  check,
  customType,
  datetime,
  index,
  int,
  mediumtext,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  smallint,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';
import { IDEMPOTENCY_STATES } from '../contract/idempotency.js';
import { BOUNDS, EXTERNAL_ID, HYPERVISORS, MAX_LENGTH, VPS_STATUSES } from '../contract/fields.js';

const between = (min: number, max: number) => sql.raw(`${min} AND ${max}`);

/**
 * VARCHAR compared byte for byte: identifiers must be case-sensitive on MySQL as they are on
 * SQLite, where the table's utf8mb4_unicode_ci would make 'A1' and 'a1' the same key.
 */
const binaryVarchar = customType<{ data: string; config: { length: number } }>({
  dataType: (config) => `varchar(${config?.length ?? 255}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
});

/**
 * The VPS table on MySQL / PlanetScale. Column types hold exactly the bounds in vps/fields.ts
 * (INT UNSIGNED ids, SMALLINT UNSIGNED cpu, VARCHAR lengths in characters); the table is utf8mb4
 * (see the migration) so Cyrillic and emoji names round-trip.
 */
export const vps = mysqlTable(
  'vps',
  {
    id: int('id', { unsigned: true }).autoincrement().primaryKey(),
    /** The main site's id of this VPS; unique, so a repeated create can never make a second row. */
    external_id: binaryVarchar('external_id', { length: EXTERNAL_ID.maxLength }),
    user_id: int('user_id', { unsigned: true }).notNull(),
    name: varchar('name', { length: MAX_LENGTH.name }).notNull(),
    status: mysqlEnum('status', VPS_STATUSES).notNull(),
    cpu: smallint('cpu', { unsigned: true }).notNull(),
    ram: int('ram', { unsigned: true }).notNull(),
    disk: int('disk', { unsigned: true }).notNull(),
    os: varchar('os', { length: MAX_LENGTH.os }).notNull(),
    hypervisor: mysqlEnum('hypervisor', HYPERVISORS).notNull(),
    created_at: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    updated_at: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
    /** The main site's ordering stamp of the last applied write (0: none given yet). */
    version: bigint('version', { mode: 'number', unsigned: true }).notNull().default(0),
    /** SHA-256 of the create payload, to tell a replayed create from a conflicting one. */
    create_hash: char('create_hash', { length: 64 }),
    /** Tombstone: a deleted VPS keeps its row so a late event cannot resurrect it. */
    deleted_at: datetime('deleted_at', { mode: 'date', fsp: 3 }),
  },
  (t) => [
    // Serves the owner listing: WHERE user_id = ? AND deleted_at IS NULL ORDER BY id DESC.
    index('vps_owner_listing_idx').on(t.user_id, t.deleted_at, t.id),
    // Serves the main site's listing with tombstones: WHERE user_id = ? ORDER BY id DESC, a page
    // at a time (the index above would read and sort all of the user's rows, tombstones piling up).
    index('vps_user_idx').on(t.user_id, t.id),
    uniqueIndex('vps_external_id_unique').on(t.external_id),
    // The types bound ids; these bound what the types alone would let through.
    check('vps_user_id_range', sql`${t.user_id} >= ${sql.raw(String(BOUNDS.user_id.min))}`),
    check('vps_cpu_range', sql`${t.cpu} BETWEEN ${between(BOUNDS.cpu.min, BOUNDS.cpu.max)}`),
    check('vps_ram_range', sql`${t.ram} BETWEEN ${between(BOUNDS.ram.min, BOUNDS.ram.max)}`),
    check('vps_disk_range', sql`${t.disk} BETWEEN ${between(BOUNDS.disk.min, BOUNDS.disk.max)}`),
  ],
);

/** Idempotency-Key records of POST /api/vps/sync: a claim while in flight, then the stored answer. */
export const idempotencyKeys = mysqlTable(
  'idempotency_keys',
  {
    key: binaryVarchar('key', { length: 255 }).primaryKey(),
    request_hash: char('request_hash', { length: 64 }).notNull(),
    state: mysqlEnum('state', IDEMPOTENCY_STATES).notNull(),
    response_status: smallint('response_status', { unsigned: true }),
    response_body: mediumtext('response_body'),
    created_at: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    /** In flight: the claim's lease; done: when the stored answer is forgotten. */
    expires_at: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (t) => [index('idempotency_keys_expires_idx').on(t.expires_at)],
);

/** `webhook-id`s of signed sync requests, kept until their signature's timestamp leaves the window. */
export const webhookIds = mysqlTable(
  'webhook_ids',
  {
    id: binaryVarchar('id', { length: 255 }).primaryKey(),
    expires_at: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (t) => [index('webhook_ids_expires_idx').on(t.expires_at)],
);

/** Open while its pages arrive; committed once the final page has applied the deletes. */
const RECONCILE_RUN_STATES = ['open', 'committed'] as const;

/** Paged reconciles (one row per reconcile_id): open while pages arrive, committed by the final page. */
export const reconcileRuns = mysqlTable(
  'reconcile_runs',
  {
    id: binaryVarchar('id', { length: EXTERNAL_ID.maxLength }).primaryKey(),
    user_id: int('user_id', { unsigned: true }).notNull(),
    /** The list's version, the same on every page; null when the pages carry none. */
    version: bigint('version', { mode: 'number', unsigned: true }),
    /** Pages applied so far (1..N, in order). */
    pages: smallint('pages', { unsigned: true }).notNull(),
    state: mysqlEnum('state', RECONCILE_RUN_STATES).notNull(),
    created_at: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    /** An hour after the last page: an open run is abandoned then, deleting nothing. */
    expires_at: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (t) => [index('reconcile_runs_expires_idx').on(t.expires_at)],
);

/** The external_ids a paged reconcile's pages listed so far: its final page deletes the user's VPS not among them. */
export const reconcileListedIds = mysqlTable(
  'reconcile_listed_ids',
  {
    run_id: binaryVarchar('run_id', { length: EXTERNAL_ID.maxLength }).notNull(),
    external_id: binaryVarchar('external_id', { length: EXTERNAL_ID.maxLength }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.run_id, t.external_id] })],
);
