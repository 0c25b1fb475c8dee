import { sql } from 'drizzle-orm';
import { check, datetime, index, int, mysqlEnum, mysqlTable, smallint, varchar } from 'drizzle-orm/mysql-core';
import { BOUNDS, HYPERVISORS, MAX_LENGTH, VPS_STATUSES } from '../vps/fields';

const between = (min: number, max: number) => sql.raw(`${min} AND ${max}`);

/**
 * The VPS table on MySQL / PlanetScale. Column types hold exactly the bounds in vps/fields.ts
 * (INT UNSIGNED ids, SMALLINT UNSIGNED cpu, VARCHAR lengths in characters); the table is utf8mb4
 * (see the migration) so Cyrillic and emoji names round-trip.
 */
export const vps = mysqlTable(
  'vps',
  {
    id: int('id', { unsigned: true }).autoincrement().primaryKey(),
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
    /** Tombstone: a deleted VPS keeps its row so a late event cannot resurrect it. */
    deleted_at: datetime('deleted_at', { mode: 'date', fsp: 3 }),
  },
  (t) => [
    // Serves the owner listing: WHERE user_id = ? AND deleted_at IS NULL ORDER BY id DESC.
    index('vps_owner_listing_idx').on(t.user_id, t.deleted_at, t.id),
    // The types bound ids; these bound what the types alone would let through.
    check('vps_user_id_range', sql`${t.user_id} >= ${sql.raw(String(BOUNDS.user_id.min))}`),
    check('vps_cpu_range', sql`${t.cpu} BETWEEN ${between(BOUNDS.cpu.min, BOUNDS.cpu.max)}`),
    check('vps_ram_range', sql`${t.ram} BETWEEN ${between(BOUNDS.ram.min, BOUNDS.ram.max)}`),
    check('vps_disk_range', sql`${t.disk} BETWEEN ${between(BOUNDS.disk.min, BOUNDS.disk.max)}`),
  ],
);
