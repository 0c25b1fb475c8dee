import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { vps } from '../db/schema.sqlite';
import { createFingerprint } from '../vps/fingerprint';
import type { ReconcileItem, VpsCreate, VpsPatch, VpsRef } from '../vps/schema';
import { existingCreateOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, type StoredVps } from './outcomes';
import { vpsColumns } from './columns';
import { translateD1Errors } from './d1-errors';
import { pageOf } from './page';
import { planReconcile } from './reconcile-plan';
import type { CreateResult, DeleteResult, ListPage, ReconcileResult, UpdateResult, VpsStore } from './types';

const { visible, stored } = vpsColumns(vps);

/** D1 binds at most 100 parameters per statement: multi-row writes go in chunks. */
const MAX_PARAMS = 100;
const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const byRef = (ref: VpsRef) => ('id' in ref ? eq(vps.id, ref.id) : eq(vps.external_id, ref.external_id));
/** Writes carrying a version apply only over an older one. */
const olderThan = (version?: number) => (version === undefined ? undefined : lt(vps.version, version));

/**
 * The embedded store: Drizzle over a D1 binding. Writes are single guarded statements with
 * RETURNING, so the common path is one round trip; reconcile applies its plan in one batch,
 * which D1 runs as one transaction. Transient D1 failures answer 503 + Retry-After.
 */
export function d1Store(binding: D1Database): VpsStore {
  const db = drizzle(binding);
  const current = async (ref: VpsRef): Promise<StoredVps | undefined> => (await db.select(stored).from(vps).where(byRef(ref)))[0];

  return translateD1Errors({
    async create(input: VpsCreate, fingerprint: string): Promise<CreateResult> {
      const [created] = await db
        .insert(vps)
        .values(newRow(input, fingerprint, new Date()))
        .onConflictDoNothing({ target: vps.external_id })
        .returning(visible);
      if (created) return { outcome: 'created', vps: created };
      // Only an existing external_id stops the insert: decide replay or conflict from that row.
      const existing = await current({ external_id: input.external_id! });
      if (!existing) throw new Error('create conflicted on an external_id that cannot be read back');
      return existingCreateOutcome(existing, fingerprint);
    },

    async update(ref: VpsRef, patch: VpsPatch, version?: number): Promise<UpdateResult> {
      const [row] = await db
        .update(vps)
        .set({ ...patch, updated_at: new Date(), ...(version === undefined ? {} : { version }) })
        .where(and(byRef(ref), isNull(vps.deleted_at), olderThan(version)))
        .returning(visible);
      if (row) return { outcome: 'applied', vps: row };
      return missedUpdateOutcome(await current(ref));
    },

    async delete(ref: VpsRef, version?: number): Promise<DeleteResult> {
      const now = new Date();
      const deleted = await db
        .update(vps)
        .set({ deleted_at: now, updated_at: now, ...(version === undefined ? {} : { version }) })
        .where(and(byRef(ref), isNull(vps.deleted_at), olderThan(version)))
        .returning({ id: vps.id });
      if (deleted.length) return { outcome: 'deleted' };
      // Rare path (a repeated, stale or unknown delete): tell them apart.
      return missedDeleteOutcome(await current(ref));
    },

    async get(userId: number, id: number) {
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

    async reconcile(userId: number, items: ReconcileItem[], { dryRun, version }: { dryRun: boolean; version?: number }): Promise<ReconcileResult> {
      // One parameter for all external_ids (json_each) keeps the read within D1's bound-parameter limit.
      const wanted = JSON.stringify(items.map((i) => i.external_id));
      const rows = await db
        .select(stored)
        .from(vps)
        .where(or(eq(vps.user_id, userId), sql`${vps.external_id} IN (SELECT value FROM json_each(${wanted}))`));
      const plan = planReconcile(userId, items, rows, version);
      if (dryRun) return plan.result;

      const now = new Date();
      const creates = await Promise.all(plan.creates.map(async (c) => newRow(c, await createFingerprint(c), now)));
      const statements: BatchItem<'sqlite'>[] = [];
      const rowsPerInsert = creates.length ? Math.floor(MAX_PARAMS / Object.keys(creates[0]!).length) : 1;
      for (const part of chunk(creates, rowsPerInsert)) {
        statements.push(db.insert(vps).values(part).onConflictDoNothing({ target: vps.external_id }));
      }
      for (const { row, patch, version } of plan.updates) {
        // Guarded by the state the plan was made from: a write that slipped in between wins.
        const unchangedSincePlan: SQL = and(eq(vps.id, row.id), isNull(vps.deleted_at), eq(vps.updated_at, row.updated_at))!;
        statements.push(db.update(vps).set({ ...patch, version, updated_at: now }).where(unchangedSincePlan));
      }
      for (const part of chunk(plan.deletes.map((r) => r.id), MAX_PARAMS - 2)) {
        statements.push(db.update(vps).set({ deleted_at: now, updated_at: now }).where(and(inArray(vps.id, part), isNull(vps.deleted_at))));
      }
      const [first, ...rest] = statements;
      if (first) await db.batch([first, ...rest]);
      return plan.result;
    },
  });
}
