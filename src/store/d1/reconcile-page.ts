import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { ReconcileItem, ReconcilePage } from '../../contract';
import { reconcileListedIds as listed, reconcileRuns as runs, vps } from '../../db/schema.sqlite';
import { vpsColumns } from '../shared/columns';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan';
import { appliedPage, isRefusal, judgePage, runAfter, withSweep } from '../shared/reconcile-run';
import { someCause } from '../shared/unavailable';
import type { ReconcilePageResult } from '../types';
import { appliedWrites, changedRow, planStatements, type ChangedRow } from './reconcile-writes';

const { stored } = vpsColumns(vps);

interface PageRequest {
  userId: number;
  items: ReconcileItem[];
  version?: number;
  page: ReconcilePage;
}

/**
 * The run's row is written first in every page's batch: a page its run no longer accepts (or a
 * run that is gone) writes `pages` NULL, and the NOT NULL constraint fails the whole batch.
 */
const GUARD_FAILED = /NOT NULL constraint failed: reconcile_runs\.pages/;

/** The user's live VPS with an external_id no page of the run listed. */
const notListed = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM ${listed} WHERE ${listed.run_id} = ${runId} AND ${listed.external_id} = ${vps.external_id})`;

/**
 * One page on D1. Its read (the run and the rows holding its external_ids) is outside the batch,
 * as D1 has no locking read; its batch, which D1 runs as one transaction, starts by writing the
 * run guarded by what the page expects of it (the same run, open, unexpired, this page next or
 * repeated), so a run that changed in between aborts the batch whole. The item writes are
 * guarded as a single reconcile's; the final page's deletes are decided inside the batch, so
 * nothing can slip in between.
 */
export async function d1ReconcilePage(db: DrizzleD1Database, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  const { userId, items, version, page } = request;
  const ids = items.map((i) => i.external_id);
  const runOf = () => db.select().from(runs).where(eq(runs.id, page.reconcile_id));
  const [[run], rows] = await db.batch([
    runOf(),
    db.select(stored).from(vps).where(sql`${vps.external_id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`),
  ]);
  const judged = judgePage(run, userId, version, page, now);
  if (isRefusal(judged)) return judged;

  const plan = planReconcile(userId, items, rows, version);
  const after = runAfter(page, now);
  const accepts = sql`${runs.user_id} = ${userId} AND ${runs.version} IS ${version ?? null} AND ${runs.state} = 'open'
    AND ${runs.expires_at} > ${now.getTime()} AND ${runs.pages} IN (${page.number - 1}, ${page.number})`;
  const guarded = { pages: sql`CASE WHEN ${accepts} THEN ${after.pages} ELSE NULL END`, state: after.state, expires_at: after.expires_at };
  // Page 1 starts the run (or, found, is checked like any page); a later page finding no run
  // inserts one with no pages, which fails the batch.
  const runWrites: BatchItem<'sqlite'>[] =
    page.number === 1
      ? [
          db
            .insert(runs)
            .values({ id: page.reconcile_id, user_id: userId, version: version ?? null, created_at: now, ...after })
            .onConflictDoUpdate({ target: runs.id, set: guarded }),
        ]
      : [
          db.update(runs).set(guarded).where(eq(runs.id, page.reconcile_id)),
          db
            .insert(runs)
            .select(
              sql`SELECT ${page.reconcile_id}, ${userId}, NULL, NULL, 'open', ${now.getTime()}, ${now.getTime()} WHERE NOT EXISTS (SELECT 1 FROM ${runs} WHERE ${runs.id} = ${page.reconcile_id})`,
            ),
        ];
  // One parameter for all external_ids (json_each), within D1's bound-parameter limit.
  const listIds = db
    .insert(listed)
    .select(sql`SELECT ${page.reconcile_id}, value FROM json_each(${JSON.stringify(ids)}) WHERE true`)
    .onConflictDoNothing();
  const { statements: writes, kinds } = await planStatements(db, plan, now);
  const sweep: BatchItem<'sqlite'>[] = page.final
    ? [
        db
          .update(vps)
          .set({ deleted_at: now, updated_at: now })
          .where(
            and(eq(vps.user_id, userId), isNull(vps.deleted_at), isNotNull(vps.external_id), notListed(page.reconcile_id), version === undefined ? undefined : lt(vps.version, version)),
          )
          .returning(changedRow),
        db
          .select({ external_id: vps.external_id })
          .from(vps)
          .where(and(eq(vps.user_id, userId), isNull(vps.deleted_at), or(isNull(vps.external_id), notListed(page.reconcile_id)))),
      ]
    : [];

  let results: unknown[];
  try {
    results = await db.batch([...runWrites, listIds, ...writes, ...sweep] as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (err) {
    if (!someCause(err, (e) => GUARD_FAILED.test(e.message))) throw err;
    // The run changed since the read (another request, or the purge): say how, as the read would have.
    const [current] = await runOf();
    const refusal = judgePage(current, userId, version, page, now);
    if (isRefusal(refusal)) return refusal;
    throw err;
  }

  const first = runWrites.length + 1;
  const writeResults = results.slice(first, first + writes.length) as ChangedRow[][];
  let result = settleReconcile(plan, appliedWrites(writeResults, kinds));
  if (page.final) {
    const [deleted, kept] = results.slice(first + writes.length) as [ChangedRow[], { external_id: string | null }[]];
    result = withSweep(result, deleted, kept);
  }
  return appliedPage(result, page, now);
}

/** Drops the expired runs and their listed external_ids, in one batch. */
export async function d1PurgeExpiredReconciles(db: DrizzleD1Database, now: Date): Promise<number> {
  const expired = db.select({ id: runs.id }).from(runs).where(lt(runs.expires_at, now));
  const [, dropped] = await db.batch([
    db.delete(listed).where(inArray(listed.run_id, expired)),
    db.delete(runs).where(lt(runs.expires_at, now)).returning({ id: runs.id }),
  ]);
  return dropped.length;
}
