import type { ReconcileItem, ReconcilePage } from '../../contract/index.js';
import { STORED_COLUMNS } from '../shared/columns.js';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan.js';
import { appliedPage, isRefusal, judgePage, runAfter, withSweep, type ReconcileRun } from '../shared/reconcile-run.js';
import { someCause } from '../shared/unavailable.js';
import type { ReconcilePageResult } from '../types.js';
import { appliedWrites, planStatements, RETURNING_CHANGED, type ChangedRow } from './reconcile-writes.js';
import type { D1Sql } from './sql.js';
import { storedVps, type StoredVpsOnD1 } from './vps-row.js';

interface PageRequest {
  userId: number;
  items: ReconcileItem[];
  version?: number;
  page: ReconcilePage;
}

/** A run's row as D1 hands it over: timestamps in integer milliseconds. */
type RunOnD1 = Omit<ReconcileRun, 'expires_at'> & { created_at: number; expires_at: number };

const RUN = 'SELECT id, user_id, version, pages, state, created_at, expires_at FROM reconcile_runs WHERE id = ?';
const runOf = ([row]: RunOnD1[]): ReconcileRun | undefined => row && { ...row, expires_at: new Date(row.expires_at) };

/** One parameter for all external_ids (json_each) keeps a statement within D1's bound-parameter limit. */
const ROWS_OF_IDS = `SELECT ${STORED_COLUMNS} FROM vps WHERE external_id IN (SELECT value FROM json_each(?))`;

/**
 * The run's row is written first in every page's batch: a page its run no longer accepts (or a
 * run that is gone) writes `pages` NULL, and the NOT NULL constraint fails the whole batch.
 */
const GUARD_FAILED = /NOT NULL constraint failed: reconcile_runs\.pages/;
/** A next page's listed ids are inserted without ON CONFLICT: one an earlier page listed fails the whole batch. */
const LISTED_BEFORE = /UNIQUE constraint failed: reconcile_listed_ids\./;
const LISTED_OF_IDS = 'SELECT external_id FROM reconcile_listed_ids WHERE run_id = ? AND external_id IN (SELECT value FROM json_each(?))';
/** The run's new `pages`, or NULL unless the run is the one the page expects (same user and version, open, unexpired, this page next or repeated). */
const GUARDED_PAGES =
  "pages = CASE WHEN user_id = ? AND version IS ? AND state = 'open' AND expires_at > ? AND pages IN (?, ?) THEN ? ELSE NULL END, state = ?, expires_at = ?";
const RUN_COLUMNS = '(id, user_id, version, pages, state, created_at, expires_at)';

/** The user's live VPS with an external_id no page of the run listed. */
const NOT_LISTED = 'NOT EXISTS (SELECT 1 FROM reconcile_listed_ids WHERE reconcile_listed_ids.run_id = ? AND reconcile_listed_ids.external_id = vps.external_id)';

/**
 * One page on D1. Its read (the run and the rows holding its external_ids) is outside the batch,
 * as D1 has no locking read; its batch, which D1 runs as one transaction, starts by writing the
 * run guarded by what the page expects of it (the same run, open, unexpired, this page next or
 * repeated), so a run that changed in between aborts the batch whole. The item writes are
 * guarded as a single reconcile's; the final page's deletes are decided inside the batch, so
 * nothing can slip in between.
 */
export async function d1ReconcilePage(sql: D1Sql, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  const { userId, items, version, page } = request;
  const id = page.reconcile_id;
  const ids = JSON.stringify(items.map((i) => i.external_id));
  const [runs, rows] = (await sql.batch([sql.statement(RUN, [id]), sql.statement(ROWS_OF_IDS, [ids])])) as [RunOnD1[], StoredVpsOnD1[]];
  const judged = judgePage(runOf(runs), userId, version, page, now);
  if (isRefusal(judged)) return judged;

  const plan = planReconcile(userId, items, rows.map(storedVps), version);
  const after = runAfter(page, now);
  const guarded = [userId, version ?? null, now, page.number - 1, page.number, after.pages, after.state, after.expires_at];
  // Page 1 starts the run (or, found, is checked like any page); a later page finding no run
  // inserts one with no pages, which fails the batch.
  const runWrites =
    page.number === 1
      ? [
          sql.statement(`INSERT INTO reconcile_runs ${RUN_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ${GUARDED_PAGES}`, [
            id,
            userId,
            version ?? null,
            after.pages,
            after.state,
            now,
            after.expires_at,
            ...guarded,
          ]),
        ]
      : [
          sql.statement(`UPDATE reconcile_runs SET ${GUARDED_PAGES} WHERE id = ?`, [...guarded, id]),
          sql.statement(
            `INSERT INTO reconcile_runs ${RUN_COLUMNS} SELECT ?, ?, NULL, NULL, 'open', ?, ? WHERE NOT EXISTS (SELECT 1 FROM reconcile_runs WHERE id = ?)`,
            [id, userId, now, now, id],
          ),
        ];
  // One parameter for all external_ids (json_each), within D1's bound-parameter limit; WHERE
  // true tells SQLite's parser the ON CONFLICT is the INSERT's. A repeated page lists its own ids
  // again; a next one may list none an earlier page did (page 1 has none before it).
  const listIds = sql.statement(
    `INSERT INTO reconcile_listed_ids (run_id, external_id) SELECT ?, value FROM json_each(?) WHERE true${judged === 'next' ? '' : ' ON CONFLICT DO NOTHING'}`,
    [id, ids],
  );
  const { statements: writes, kinds } = await planStatements(sql, plan, now);
  const sweep = page.final
    ? [
        sql.statement(
          `UPDATE vps SET deleted_at = ?, updated_at = ? WHERE user_id = ? AND deleted_at IS NULL AND external_id IS NOT NULL AND ${NOT_LISTED}` +
            (version === undefined ? '' : ' AND version < ?') +
            RETURNING_CHANGED,
          [now, now, userId, id, ...(version === undefined ? [] : [version])],
        ),
        sql.statement(`SELECT external_id FROM vps WHERE user_id = ? AND deleted_at IS NULL AND (external_id IS NULL OR ${NOT_LISTED})`, [userId, id]),
      ]
    : [];

  let results: unknown[][];
  try {
    results = await sql.batch([...runWrites, listIds, ...writes, ...sweep]);
  } catch (err) {
    const relisted = someCause(err, (e) => LISTED_BEFORE.test(e.message));
    if (!relisted && !someCause(err, (e) => GUARD_FAILED.test(e.message))) throw err;
    // The run changed since the read (another request, or the purge): say how, as the read would have.
    const rejudged = judgePage(runOf(await sql.all<RunOnD1>(RUN, [id])), userId, version, page, now);
    if (isRefusal(rejudged)) return rejudged;
    if (relisted) {
      // A copy of this page applied meanwhile: this one is its repeat. Else an earlier page listed them.
      if (rejudged === 'repeat') return d1ReconcilePage(sql, request, now);
      return { outcome: 'relisted', externalIds: (await sql.all<{ external_id: string }>(LISTED_OF_IDS, [id, ids])).map((r) => r.external_id) };
    }
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
export async function d1PurgeExpiredReconciles(sql: D1Sql, now: Date): Promise<number> {
  const [, dropped] = await sql.batch([
    sql.statement('DELETE FROM reconcile_listed_ids WHERE run_id IN (SELECT id FROM reconcile_runs WHERE expires_at < ?)', [now]),
    sql.statement('DELETE FROM reconcile_runs WHERE expires_at < ? RETURNING id', [now]),
  ]);
  return dropped!.length;
}
