import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { vps } from '../db/schema.sqlite';
import type { VpsCreate, VpsPatch } from '../vps/schema';
import { pageOf } from './page';
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

/** The embedded store: Drizzle over a D1 binding. Every operation is one statement (RETURNING). */
export function d1Store(binding: D1Database): VpsStore {
  const db = drizzle(binding);
  return {
    async create(input: VpsCreate): Promise<Vps> {
      const now = new Date();
      const [row] = await db
        .insert(vps)
        .values({ ...input, created_at: now, updated_at: now })
        .returning(visible);
      return row!;
    },

    async update(id: number, patch: VpsPatch): Promise<Vps | null> {
      const [row] = await db
        .update(vps)
        .set({ ...patch, updated_at: new Date() })
        .where(and(eq(vps.id, id), isNull(vps.deleted_at)))
        .returning(visible);
      return row ?? null;
    },

    async delete(id: number): Promise<DeleteOutcome> {
      const deleted = await db
        .update(vps)
        .set({ deleted_at: new Date() })
        .where(and(eq(vps.id, id), isNull(vps.deleted_at)))
        .returning({ id: vps.id });
      if (deleted.length) return 'deleted';
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
  };
}
