import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { PlanetScaleDatabase } from 'drizzle-orm/planetscale-serverless';
import type { VpsRef } from '../../contract';
import { vps } from '../../db/schema.mysql';
import { vpsColumns } from '../shared/columns';
import { pageOf } from '../shared/page';
import type { ListPage, MainSiteListOptions, VpsRecord } from '../types';

const { visible } = vpsColumns(vps);
const record = { ...visible, deleted_at: vps.deleted_at };

/**
 * The main site's reads on PlanetScale, tombstones included: one statement (one HTTP round trip)
 * each. The listing is served by vps_owner_listing_idx (live only) or vps_user_idx (all), so it
 * reads a page's rows, never all of the user's rows to sort them (PlanetScale bills rows read).
 */
export function planetscaleMainSiteReads(db: PlanetScaleDatabase) {
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
