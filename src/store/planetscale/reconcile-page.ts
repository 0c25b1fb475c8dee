import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { PlanetScaleDatabase } from 'drizzle-orm/planetscale-serverless';
import type { ReconcileItem, ReconcilePage } from '../../contract';
import { reconcileListedIds as listed, reconcileRuns as runs, vps } from '../../db/schema.mysql';
import { vpsColumns } from '../shared/columns';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan';
import { appliedPage, isRefusal, judgePage, runAfter, withSweep } from '../shared/reconcile-run';
import type { ReconcilePageResult } from '../types';
import { isDuplicateKey } from './errors';
import { appliedPlan, upsertPlan } from './reconcile-writes';

const { stored } = vpsColumns(vps);

interface PageRequest {
  userId: number;
  items: ReconcileItem[];
  version?: number;
  page: ReconcilePage;
}

/** Most rows one statement of the final page's deletes or the purge names or removes. */
const CHUNK = 1_000;
const chunk = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** Rows of the user's VPS whose external_id no page of the run listed. */
const notListed = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM ${listed} WHERE ${listed.run_id} = ${runId} AND ${listed.external_id} = ${vps.external_id})`;

/**
 * One page on PlanetScale, in one transaction: the run's row is read FOR UPDATE, so pages of
 * one run apply one after the other, and the rows the page writes are locked as a single
 * reconcile's. BEGIN, run, rows, upsert, listed ids, run, COMMIT: seven round trips, eight when
 * the page creates (the created ids are read back); the final page adds a locking read of the VPS
 * no page listed and their delete.
 */
export async function planetscaleReconcilePage(db: PlanetScaleDatabase, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  try {
    return await applyPage(db, request, now);
  } catch (err) {
    // Two first pages of one run at once: the one that lost the insert of the run reads it now.
    if (request.page.number === 1 && isDuplicateKey(err)) return applyPage(db, request, now);
    throw err;
  }
}

async function applyPage(db: PlanetScaleDatabase, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  const { userId, items, version, page } = request;
  const ids = items.map((i) => i.external_id);
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(runs).where(eq(runs.id, page.reconcile_id)).for('update');
    const judged = judgePage(run, userId, version, page, now);
    if (isRefusal(judged)) return judged;

    const rows = ids.length ? await tx.select(stored).from(vps).where(inArray(vps.external_id, ids)).for('update') : [];
    const plan = planReconcile(userId, items, rows, version);
    await upsertPlan(tx, plan, now);
    if (ids.length) {
      await tx
        .insert(listed)
        .values(ids.map((external_id) => ({ run_id: page.reconcile_id, external_id })))
        .onDuplicateKeyUpdate({ set: { run_id: sql`${listed.run_id}` } });
    }

    let result = settleReconcile(plan, await appliedPlan(tx, plan));
    if (page.final) {
      const unlisted = await tx
        .select({ id: vps.id, external_id: vps.external_id, version: vps.version })
        .from(vps)
        .where(and(eq(vps.user_id, userId), isNull(vps.deleted_at), or(isNull(vps.external_id), notListed(page.reconcile_id))))
        .for('update');
      // The same guard as a single reconcile: a VPS written at or after the list's version stays.
      const doomed = unlisted.filter((r) => r.external_id !== null && (version === undefined || r.version < version));
      const kept = unlisted.filter((r) => !doomed.includes(r));
      for (const part of chunk(doomed)) {
        await tx
          .update(vps)
          .set({ deleted_at: now, updated_at: now })
          .where(inArray(vps.id, part.map((r) => r.id)));
      }
      result = withSweep(result, doomed, kept);
    }

    const after = runAfter(page, now);
    if (judged === 'start') {
      await tx.insert(runs).values({ id: page.reconcile_id, user_id: userId, version: version ?? null, created_at: now, ...after });
    } else {
      await tx.update(runs).set(after).where(eq(runs.id, page.reconcile_id));
    }
    return appliedPage(result, page, now);
  });
}

/** Drops the expired runs and their listed external_ids, a bounded number of rows per statement. */
export async function planetscalePurgeExpiredReconciles(db: PlanetScaleDatabase, now: Date): Promise<number> {
  const expired = await db.select({ id: runs.id }).from(runs).where(lt(runs.expires_at, now)).limit(CHUNK);
  if (!expired.length) return 0;
  const runIds = expired.map((r) => r.id);
  // A run's listed ids go before its row; a purge cut short leaves an expired run, which no page can use.
  for (;;) {
    const { rowsAffected } = await db.delete(listed).where(inArray(listed.run_id, runIds)).limit(10 * CHUNK);
    if (rowsAffected < 10 * CHUNK) break;
  }
  const { rowsAffected } = await db.delete(runs).where(and(inArray(runs.id, runIds), lt(runs.expires_at, now)));
  return rowsAffected;
}
