import type { Client } from '@planetscale/database';
import type { ReconcileItem, ReconcilePage } from '../../contract/index.js';
import { CHANGED_COLUMNS, STORED_COLUMNS } from '../shared/columns.js';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan.js';
import { appliedPage, isRefusal, judgePage, runAfter, withSweep, type ReconcileRun } from '../shared/reconcile-run.js';
import { placeholders } from '../shared/statement.js';
import type { ReconcilePageResult } from '../types.js';
import { isDuplicateKey } from './errors.js';
import { appliedPlan, upsertPlan } from './reconcile-writes.js';
import { execute, fromDatetime } from './sql.js';
import { changedRow, storedVps, type ChangedRowOnMysql, type StoredVpsOnMysql } from './vps-row.js';

interface PageRequest {
  userId: number;
  items: ReconcileItem[];
  version?: number;
  page: ReconcilePage;
}

/** A run's row as the driver hands it over: DATETIME(3) as text, BIGINT as a string. */
type RunOnMysql = Omit<ReconcileRun, 'version' | 'expires_at'> & { version: string | number | null; created_at: string; expires_at: string };
const runOf = (row: RunOnMysql | undefined): ReconcileRun | undefined =>
  row && { ...row, version: row.version === null ? null : Number(row.version), expires_at: fromDatetime(row.expires_at) };

/** Most rows one statement of the final page's deletes or the purge names or removes. */
const CHUNK = 1_000;
const chunk = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** Rows of the user's VPS whose external_id no page of the run listed. */
const NOT_LISTED = 'NOT EXISTS (SELECT 1 FROM reconcile_listed_ids WHERE reconcile_listed_ids.run_id = ? AND reconcile_listed_ids.external_id = vps.external_id)';

/**
 * One page on PlanetScale, in one transaction: the run's row is read FOR UPDATE, so pages of
 * one run apply one after the other, and the rows the page writes are locked as a single
 * reconcile's. BEGIN, run, rows, upsert, listed ids, run, COMMIT: seven round trips, eight when
 * the page creates (the created ids are read back); the final page adds a locking read of the VPS
 * no page listed and their delete.
 */
export async function planetscaleReconcilePage(client: Client, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  try {
    return await applyPage(client, request, now);
  } catch (err) {
    if (err instanceof ListedBefore) {
      // Rolled back whole: say which of the page's external_ids an earlier page listed.
      const ids = request.items.map((i) => i.external_id);
      const listed = await execute<{ external_id: string }>(
        client,
        `SELECT external_id FROM reconcile_listed_ids WHERE run_id = ? AND external_id IN (${placeholders(ids.length)})`,
        [request.page.reconcile_id, ...ids],
      );
      return { outcome: 'relisted', externalIds: listed.rows.map((r) => r.external_id) };
    }
    // Two first pages of one run at once: the one that lost the insert of the run reads it now.
    if (request.page.number === 1 && isDuplicateKey(err)) return applyPage(client, request, now);
    throw err;
  }
}

/** A next page listed an external_id an earlier page of its run listed: thrown to roll the page back. */
class ListedBefore extends Error {}

async function applyPage(client: Client, request: PageRequest, now: Date): Promise<ReconcilePageResult> {
  const { userId, items, version, page } = request;
  const id = page.reconcile_id;
  const ids = items.map((i) => i.external_id);
  return client.transaction(async (tx) => {
    const runs = await execute<RunOnMysql>(tx, 'SELECT id, user_id, version, pages, state, created_at, expires_at FROM reconcile_runs WHERE id = ? FOR UPDATE', [id]);
    const judged = judgePage(runOf(runs.rows[0]), userId, version, page, now);
    if (isRefusal(judged)) return judged;

    const rows = ids.length
      ? (await execute<StoredVpsOnMysql>(tx, `SELECT ${STORED_COLUMNS} FROM vps WHERE external_id IN (${placeholders(ids.length)}) FOR UPDATE`, ids)).rows.map(storedVps)
      : [];
    const plan = planReconcile(userId, items, rows, version);
    await upsertPlan(tx, plan, now);
    if (ids.length) {
      // A repeated page lists its own ids again; a next one may list none an earlier page did (the
      // run's row is locked: no copy of this page runs meanwhile). Page 1 has none before it.
      const insert = `INSERT INTO reconcile_listed_ids (run_id, external_id) VALUES ${ids.map(() => '(?, ?)').join(', ')}`;
      try {
        await execute(tx, judged === 'next' ? insert : `${insert} ON DUPLICATE KEY UPDATE run_id = run_id`, ids.flatMap((external_id) => [id, external_id]));
      } catch (err) {
        if (judged === 'next' && isDuplicateKey(err)) throw new ListedBefore('a next page listed an external_id an earlier page listed', { cause: err });
        throw err;
      }
    }

    let result = settleReconcile(plan, await appliedPlan(tx, plan));
    if (page.final) {
      const unlisted = (
        await execute<ChangedRowOnMysql>(
          tx,
          `SELECT ${CHANGED_COLUMNS} FROM vps WHERE user_id = ? AND deleted_at IS NULL AND (external_id IS NULL OR ${NOT_LISTED}) FOR UPDATE`,
          [userId, id],
        )
      ).rows.map(changedRow);
      // The same guard as a single reconcile: a VPS written at or after the list's version stays.
      const doomed = unlisted.filter((r) => r.external_id !== null && (version === undefined || r.version < version));
      const kept = unlisted.filter((r) => !doomed.includes(r));
      for (const part of chunk(doomed)) {
        await execute(tx, `UPDATE vps SET deleted_at = ?, updated_at = ? WHERE id IN (${placeholders(part.length)})`, [now, now, ...part.map((r) => r.id)]);
      }
      result = withSweep(result, doomed, kept);
    }

    const after = runAfter(page, now);
    if (judged === 'start') {
      await execute(tx, 'INSERT INTO reconcile_runs (id, user_id, version, pages, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        userId,
        version ?? null,
        after.pages,
        after.state,
        now,
        after.expires_at,
      ]);
    } else {
      await execute(tx, 'UPDATE reconcile_runs SET pages = ?, state = ?, expires_at = ? WHERE id = ?', [after.pages, after.state, after.expires_at, id]);
    }
    return appliedPage(result, page, now);
  });
}

/** Drops the expired runs and their listed external_ids, a bounded number of rows per statement. */
export async function planetscalePurgeExpiredReconciles(client: Client, now: Date): Promise<number> {
  const expired = await execute<{ id: string }>(client, `SELECT id FROM reconcile_runs WHERE expires_at < ? LIMIT ${CHUNK}`, [now]);
  if (!expired.rows.length) return 0;
  const runIds = expired.rows.map((r) => r.id);
  const inRuns = `IN (${placeholders(runIds.length)})`;
  // A run's listed ids go before its row; a purge cut short leaves an expired run, which no page can use.
  for (;;) {
    const { rowsAffected } = await execute(client, `DELETE FROM reconcile_listed_ids WHERE run_id ${inRuns} LIMIT ${10 * CHUNK}`, runIds);
    if (rowsAffected < 10 * CHUNK) break;
  }
  const { rowsAffected } = await execute(client, `DELETE FROM reconcile_runs WHERE id ${inRuns} AND expires_at < ?`, [...runIds, now]);
  return rowsAffected;
}
