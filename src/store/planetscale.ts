import type { Client } from '@planetscale/database';
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/planetscale-serverless';
import { vps } from '../db/schema.mysql';
import type { VpsCreate, VpsPatch } from '../vps/schema';
import { pageOf } from './page';
import { translateDriverErrors } from './planetscale-errors';
import type { DeleteOutcome, ListPage, Vps, VpsStore } from './types';

/** The columns the API shows: everything but the tombstone. */
const visible = {
  id: vps.id,
  user_id: vps.user_id,
  name: vps.name,
  status: vps.status,
  cpu: vps.cpu,
  ram: vps.ram,
  disk: vps.disk,
  os: vps.os,
  hypervisor: vps.hypervisor,
  created_at: vps.created_at,
  updated_at: vps.updated_at,
};

/**
 * The production store: Drizzle over PlanetScale's HTTP driver. Every query is an HTTP round
 * trip from the edge, so each operation uses one statement where MySQL allows it. Each write is
 * a single statement, hence atomic: a failure never leaves half of a change behind.
 */
export function planetscaleStore(client: Client): VpsStore {
  const db = drizzle({ client });

  const selectLive = (id: number) =>
    db
      .select(visible)
      .from(vps)
      .where(and(eq(vps.id, id), isNull(vps.deleted_at)));

  return translateDriverErrors({
    async create(input: VpsCreate): Promise<Vps> {
      // The columns' values are all known here; only the id comes back, as insertId.
      const now = new Date();
      const row = { ...input, created_at: now, updated_at: now };
      const result = await db.insert(vps).values(row);
      return { id: Number(result.insertId), ...row };
    },

    async update(id: number, patch: VpsPatch): Promise<Vps | null> {
      await db
        .update(vps)
        .set({ ...patch, updated_at: new Date() })
        .where(and(eq(vps.id, id), isNull(vps.deleted_at)));
      // MySQL has no UPDATE ... RETURNING: a second round trip reads the whole row back. It also
      // tells "unknown id" from "nothing changed", which rowsAffected (changed rows) cannot.
      const [row] = await selectLive(id);
      return row ?? null;
    },

    async delete(id: number): Promise<DeleteOutcome> {
      const result = await db
        .update(vps)
        .set({ deleted_at: new Date() })
        .where(and(eq(vps.id, id), isNull(vps.deleted_at)));
      if (result.rowsAffected > 0) return 'deleted';
      // Rare path (a repeated or unknown delete): tell "already gone" from "never existed".
      const [tombstone] = await db.select({ id: vps.id }).from(vps).where(eq(vps.id, id));
      return tombstone ? 'already_deleted' : 'not_found';
    },

    async get(userId: number, id: number): Promise<Vps | null> {
      const [row] = await db
        .select(visible)
        .from(vps)
        .where(and(eq(vps.id, id), eq(vps.user_id, userId), isNull(vps.deleted_at)));
      return row ?? null;
    },

    async listForUser(userId: number, { limit, before }: { limit: number; before?: number }): Promise<ListPage> {
      const rows = await db
        .select(visible)
        .from(vps)
        .where(and(eq(vps.user_id, userId), isNull(vps.deleted_at), before === undefined ? undefined : lt(vps.id, before)))
        .orderBy(desc(vps.id))
        .limit(limit + 1);
      return pageOf(rows, limit);
    },
  });
}
