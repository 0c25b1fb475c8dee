import type { VpsRef } from '../../contract/index.js';
import type { ListOptions, MainSiteListOptions } from '../types.js';

/**
 * The read path's SQL (get and listForUser), written once per isolate: the reads are the hot
 * path, and their statements have few shapes (the writes' SQL is in write-sql.ts and the stores).
 * Both dialects take `?` placeholders. `isoTimestamp` is the dialect's expression that formats a
 * column exactly as Date#toISOString() would, so rows need no mapping before JSON.
 */
export function readStatements(isoTimestamp: (column: string) => string) {
  const columns =
    'id, user_id, external_id, name, status, cpu, ram, disk, os, hypervisor, version, ' +
    `${isoTimestamp('created_at')} AS created_at, ${isoTimestamp('updated_at')} AS updated_at`;
  const select = `SELECT ${columns} FROM vps`;
  const get = `${select} WHERE id = ? AND user_id = ? AND deleted_at IS NULL`;
  /** The main site's reads: tombstones too, with when they were deleted (NULL while live). */
  const record = `SELECT ${columns}, ${isoTimestamp('deleted_at')} AS deleted_at FROM vps`;
  const recordById = `${record} WHERE id = ?`;
  const recordByExternalId = `${record} WHERE external_id = ?`;
  // Served by vps_user_idx (tombstones too) or vps_owner_listing_idx (live only), never a sort.
  const mainSiteList = (includeDeleted: boolean, cursor: boolean) =>
    `${record} WHERE user_id = ?${includeDeleted ? '' : ' AND deleted_at IS NULL'}${cursor ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ?`;
  const mainSiteLists = [mainSiteList(false, false), mainSiteList(false, true), mainSiteList(true, false), mainSiteList(true, true)];

  /** One statement per shape (cursor or not, how many statuses and hypervisors): a handful at most. */
  const lists = new Map<string, string>();
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

  return {
    get: (userId: number, id: number) => ({ sql: get, params: [id, userId] }),

    getForMainSite: (ref: VpsRef) =>
      'id' in ref ? { sql: recordById, params: [ref.id] } : { sql: recordByExternalId, params: [ref.external_id] },

    /** Newest first, one row more than `limit`, as list(). */
    listForMainSite(userId: number, { limit, before, includeDeleted }: MainSiteListOptions) {
      const sql = mainSiteLists[(includeDeleted ? 2 : 0) + (before === undefined ? 0 : 1)]!;
      return { sql, params: before === undefined ? [userId, limit + 1] : [userId, before, limit + 1] };
    },

    /** Newest first, one row more than `limit` (pageOf() cuts it off to tell whether more follow). */
    list(userId: number, { limit, before, status, hypervisor }: ListOptions): { sql: string; params: (string | number)[] } {
      const shape = `${before === undefined ? 0 : 1}:${status?.length ?? 0}:${hypervisor?.length ?? 0}`;
      let sql = lists.get(shape);
      if (!sql) {
        sql =
          `${select} WHERE user_id = ? AND deleted_at IS NULL` +
          (before === undefined ? '' : ' AND id < ?') +
          (status ? ` AND status IN (${placeholders(status.length)})` : '') +
          (hypervisor ? ` AND hypervisor IN (${placeholders(hypervisor.length)})` : '') +
          ' ORDER BY id DESC LIMIT ?';
        lists.set(shape, sql);
      }
      const params: (string | number)[] = [userId];
      if (before !== undefined) params.push(before);
      if (status) params.push(...status);
      if (hypervisor) params.push(...hypervisor);
      params.push(limit + 1);
      return { sql, params };
    },
  };
}
