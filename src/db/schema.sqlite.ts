import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { BOUNDS, HYPERVISORS, MAX_LENGTH, VPS_STATUSES } from '../vps/fields';

const between = (min: number, max: number) => sql.raw(`${min} AND ${max}`);
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** The VPS table on D1 (SQLite). Mirrors db/schema.mysql.ts column for column. */
export const vps = sqliteTable(
  'vps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    /** Tombstone: a deleted VPS keeps its row so a late event cannot resurrect it. */
    deleted_at: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // Serves the owner listing: WHERE user_id = ? AND deleted_at IS NULL ORDER BY id DESC.
    index('vps_owner_listing_idx').on(t.user_id, t.deleted_at, t.id),
    // SQLite columns are untyped; these keep the table as strict as the MySQL one.
    check('vps_user_id_range', sql`${t.user_id} BETWEEN ${between(BOUNDS.user_id.min, BOUNDS.user_id.max)}`),
    check('vps_cpu_range', sql`${t.cpu} BETWEEN ${between(BOUNDS.cpu.min, BOUNDS.cpu.max)}`),
    check('vps_ram_range', sql`${t.ram} BETWEEN ${between(BOUNDS.ram.min, BOUNDS.ram.max)}`),
    check('vps_disk_range', sql`${t.disk} BETWEEN ${between(BOUNDS.disk.min, BOUNDS.disk.max)}`),
    check('vps_name_length', sql`length(${t.name}) BETWEEN ${between(1, MAX_LENGTH.name)}`),
    check('vps_os_length', sql`length(${t.os}) BETWEEN ${between(1, MAX_LENGTH.os)}`),
    check('vps_status_enum', sql`${t.status} IN (${inList(VPS_STATUSES)})`),
    check('vps_hypervisor_enum', sql`${t.hypervisor} IN (${inList(HYPERVISORS)})`),
  ],
);
