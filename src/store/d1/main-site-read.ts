import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { VpsRef } from '../../contract';
import { vps } from '../../db/schema.sqlite';
import { vpsColumns } from '../shared/columns';
import { pageOf } from '../shared/page';
import type { ListPage, MainSiteListOptions, VpsRecord } from '../types';

const { visible } = vpsColumns(vps);
const record = { ...visible, deleted_at: vps.deleted_at };

/**
 * The main site's reads on D1, tombstones included: one statement each. The listing is served
 * by vps_owner_listing_idx (live only) or vps_user_idx (all), never by a sort of the user's rows.
 */
export function d1MainSiteReads(db: DrizzleD1Database) {
  return {
    async getForMainSite(ref: VpsRef): Promise<VpsRecord | null> {
      const [row] = await db
        .select(record)
        .from(vps)
        .where('id' in ref ? eq(vps.id, ref.id) : eq(vps.external_id, ref.external_id));
      return row ?? null;
    },

    async listForMainSite(userId: number, { limit, before, includeDeleted }: MainSiteListOptions): Promise<ListPage<VpsRecord>> {
      const rows = await db
        .select(record)
        .from(vps)
        .where(
          and(
            eq(vps.user_id, userId),
            includeDeleted ? undefined : isNull(vps.deleted_at),
            before === undefined ? undefined : lt(vps.id, before),
          ),
        )
        .orderBy(desc(vps.id))
        .limit(limit + 1);
      return pageOf(rows, limit);
    },
  };
}
