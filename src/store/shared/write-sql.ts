import type { VpsPatch, VpsRef } from '../../contract/index.js';
import { DESCRIBED_COLUMNS, NEW_ROW_COLUMNS, STORED_COLUMNS } from './columns.js';
import type { NewRow } from './outcomes.js';
import { placeholders, type SqlValue, type Statement } from './statement.js';

/**
 * The single writes' SQL, the same on SQLite and MySQL (D1 adds its RETURNING clauses).
 * Column names come from the fixed lists of columns.ts only; every value is a parameter.
 */
const byRef = (ref: VpsRef): Statement => ('id' in ref ? { sql: 'id = ?', params: [ref.id] } : { sql: 'external_id = ?', params: [ref.external_id] });

/** The row `ref` names, tombstone and fingerprint included, as write decisions read it. */
export function currentRow(ref: VpsRef): Statement {
  const where = byRef(ref);
  return { sql: `SELECT ${STORED_COLUMNS} FROM vps WHERE ${where.sql}`, params: where.params };
}

/** New rows (newRow()), in one INSERT. */
export function insertRows(rows: NewRow[]): Statement {
  const tuple = `(${placeholders(NEW_ROW_COLUMNS.length)})`;
  return {
    sql: `INSERT INTO vps (${NEW_ROW_COLUMNS.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`,
    params: rows.flatMap((row) => NEW_ROW_COLUMNS.map((column) => row[column])),
  };
}

/** An update's columns: the patch's described ones, the time, and the version when one is given. */
export function updateSet(patch: VpsPatch, now: Date, version?: number): Record<string, SqlValue> {
  const set: Record<string, SqlValue> = {};
  for (const column of DESCRIBED_COLUMNS) if (patch[column] !== undefined) set[column] = patch[column];
  set['updated_at'] = now;
  if (version !== undefined) set['version'] = version;
  return set;
}

/** A delete's columns: the tombstone, the time, and the version when one is given. */
export function deleteSet(now: Date, version?: number): Record<string, SqlValue> {
  return { deleted_at: now, updated_at: now, ...(version === undefined ? {} : { version }) };
}

/** A single update or delete: `set` applies to the live row `ref` names, and only over an older version when one is given. */
export function guardedWrite(ref: VpsRef, set: Record<string, SqlValue>, version?: number): Statement {
  const where = byRef(ref);
  const columns = Object.keys(set);
  return {
    sql:
      `UPDATE vps SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE ${where.sql} AND deleted_at IS NULL` +
      (version === undefined ? '' : ' AND version < ?'),
    params: [...Object.values(set), ...where.params, ...(version === undefined ? [] : [version])],
  };
}

/** The readiness probe's one trivial query. */
export const PING = 'SELECT id FROM vps LIMIT 1';
