import type { StoredVps } from '../shared/outcomes.js';

/** A VPS row (STORED_COLUMNS) as D1 hands it over: timestamps in integer milliseconds (timestamp_ms). */
export type StoredVpsOnD1 = Omit<StoredVps, 'created_at' | 'updated_at' | 'deleted_at'> & {
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
};

/** The row with its timestamps as Dates, in place (the keys keep their order). */
export const storedVps = (row: StoredVpsOnD1): StoredVps => ({
  ...row,
  created_at: new Date(row.created_at),
  updated_at: new Date(row.updated_at),
  deleted_at: row.deleted_at === null ? null : new Date(row.deleted_at),
});
