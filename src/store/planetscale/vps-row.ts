import type { StoredVps } from '../shared/outcomes.js';
import type { Vps, VpsRecord } from '../types.js';
import { fromDatetime, isoFromDatetime } from './sql.js';

/** A VPS row (STORED_COLUMNS) as the driver hands it over: DATETIME(3) as text, BIGINT as a string. */
export type StoredVpsOnMysql = Omit<StoredVps, 'version' | 'created_at' | 'updated_at' | 'deleted_at'> & {
  version: string | number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
};

/** The row with its version a number and its timestamps Dates, in place (the keys keep their order). */
export const storedVps = (row: StoredVpsOnMysql): StoredVps => ({
  ...row,
  version: Number(row.version),
  created_at: fromDatetime(row.created_at),
  updated_at: fromDatetime(row.updated_at),
  deleted_at: row.deleted_at === null ? null : fromDatetime(row.deleted_at),
});

/** What a reconcile reads back of the rows it wrote. */
export type ChangedRowOnMysql = { id: number; external_id: string | null; version: string | number };
export const changedRow = ({ id, external_id, version }: ChangedRowOnMysql) => ({ id, external_id, version: Number(version) });

/** A row of the read path (src/store/shared/read-sql.ts): DATETIME(3) text, BIGINT as a string. */
export type ReadRowOnMysql = Omit<VpsRecord, 'version' | 'deleted_at'> & { version: string | number; deleted_at?: string | null };

/** The row as the panel reads it: timestamps as ISO strings, ready for JSON. */
export const readVps = (row: ReadRowOnMysql): Vps => ({
  ...row,
  version: Number(row.version),
  created_at: isoFromDatetime(row.created_at),
  updated_at: isoFromDatetime(row.updated_at),
});

/** The row as the main site reads it: the same, and when it was deleted. */
export const readRecord = (row: ReadRowOnMysql): VpsRecord => ({
  ...readVps(row),
  deleted_at: row.deleted_at ? isoFromDatetime(row.deleted_at) : null,
});
