import type { StoredVps } from '../shared/outcomes.js';
import { fromDatetime } from './sql.js';

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
