import type { Client } from '@planetscale/database';
import type { ReconcileItem, VpsCreate, VpsPatch, VpsRef } from '../../contract/index.js';
import { STORED_COLUMNS } from '../shared/columns.js';
import { existingCreateOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, toVps, type StoredVps } from '../shared/outcomes.js';
import { pageOf } from '../shared/page.js';
import { readStatements } from '../shared/read-sql.js';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan.js';
import { placeholders, type Statement } from '../shared/statement.js';
import { currentRow, deleteSet, guardedWrite, insertRows, PING, updateSet } from '../shared/write-sql.js';
import { planetscalePurgeExpiredReconciles, planetscaleReconcilePage } from './reconcile-page.js';
import { appliedPlan, upsertPlan } from './reconcile-writes.js';
import { execute, type Executor } from './sql.js';
import { readRecord, readVps, storedVps, type ReadRowOnMysql, type StoredVpsOnMysql } from './vps-row.js';
import type { CreateResult, DeleteResult, ListOptions, ListPage, MainSiteListOptions, ReconcileResult, UpdateResult, VpsRecord, VpsStore } from '../types.js';
import { isDuplicateKey, translateDriverErrors } from './errors.js';

/** The driver hands DATETIME(3) over as text (vps-row.ts makes it ISO 8601) and BIGINT as a string. */
const reads = readStatements((column) => column);

/** The rows a statement reads, decoded for decisions. */
const stored = async (db: Executor, { sql, params }: Statement): Promise<StoredVps[]> =>
  (await execute<StoredVpsOnMysql>(db, sql, params)).rows.map(storedVps);
/** The user's rows and every row holding one of `ids` (the items' external_ids): what a reconcile plans from. */
const reconcileRead = (userId: number, ids: string[]): Statement => ({
  sql: `SELECT ${STORED_COLUMNS} FROM vps WHERE user_id = ?${ids.length ? ` OR external_id IN (${placeholders(ids.length)})` : ''}`,
  params: [userId, ...ids],
});

/**
 * The production store: SQL of its own over PlanetScale's HTTP driver. Every query is an HTTP round
 * trip from the edge, so each operation uses one statement where MySQL allows it. Single writes
 * are single statements, hence atomic; reconcile runs in one transaction.
 */
export function planetscaleStore(client: Client): VpsStore {
  /** The rows of a read-path statement, decoded by `decode`. */
  const read = async <T>({ sql, params }: Statement, decode: (row: ReadRowOnMysql) => T): Promise<T[]> =>
    (await execute<ReadRowOnMysql>(client, sql, params)).rows.map(decode);
  const current = async (ref: VpsRef): Promise<StoredVps | undefined> => (await stored(client, currentRow(ref)))[0];

  return translateDriverErrors({
    async create(input: VpsCreate): Promise<CreateResult> {
      // Every column's value is known here; only the id comes back, as insertId. The unique
      // external_id makes concurrent creates of one VPS race safely: one INSERT wins, the
      // others fail with a duplicate key and read the winner (a second round trip, rare path).
      const row = await newRow(input, new Date());
      try {
        const { sql, params } = insertRows([row]);
        const result = await execute(client, sql, params);
        return { outcome: 'created', vps: toVps({ id: Number(result.insertId), ...row, deleted_at: null }) };
      } catch (err) {
        if (input.external_id === undefined || !isDuplicateKey(err)) throw err;
      }
      const existing = await current({ external_id: input.external_id });
      if (!existing) throw new Error('create conflicted on an external_id that cannot be read back');
      return existingCreateOutcome(existing, row.create_hash);
    },

    async update(ref: VpsRef, patch: VpsPatch, version?: number): Promise<UpdateResult> {
      const { sql, params } = guardedWrite(ref, updateSet(patch, new Date(), version), version);
      const result = await execute(client, sql, params);
      // MySQL has no UPDATE ... RETURNING: a second round trip reads the whole row back.
      const row = await current(ref);
      if (!row || row.deleted_at) return missedUpdateOutcome(row);
      // Unversioned writes always apply to a live row (rowsAffected would be 0 for a no-op);
      // versioned ones applied exactly when the guarded UPDATE matched.
      const applied = version === undefined || result.rowsAffected > 0;
      return applied ? { outcome: 'updated', vps: toVps(row) } : missedUpdateOutcome(row);
    },

    async delete(ref: VpsRef, version?: number): Promise<DeleteResult> {
      const { sql, params } = guardedWrite(ref, deleteSet(new Date(), version), version);
      const result = await execute(client, sql, params);
      if (result.rowsAffected > 0) return { outcome: 'deleted', vps: ref };
      // Rare path (a repeated, stale or unknown delete): tell them apart.
      return missedDeleteOutcome(await current(ref));
    },

    async getForMainSite(ref: VpsRef) {
      const [row] = await read(reads.getForMainSite(ref), readRecord);
      return row ?? null;
    },

    async listForMainSite(userId: number, options: MainSiteListOptions): Promise<ListPage<VpsRecord>> {
      return pageOf(await read(reads.listForMainSite(userId, options), readRecord), options.limit);
    },

    async ping() {
      await execute(client, PING);
    },

    async get(userId: number, id: number) {
      const [row] = await read(reads.get(userId, id), readVps);
      return row ?? null;
    },

    async listForUser(userId: number, options: ListOptions): Promise<ListPage> {
      return pageOf(await read(reads.list(userId, options), readVps), options.limit);
    },

    async reconcile(userId: number, items: ReconcileItem[], { dryRun, version }: { dryRun: boolean; version?: number }): Promise<ReconcileResult> {
      const read = reconcileRead(userId, items.map((i) => i.external_id));
      if (dryRun) return planReconcile(userId, items, await stored(client, read), version).result;

      // BEGIN, a locking read, at most one upsert, one read back of the created ids and one
      // delete, COMMIT: six round trips whatever the batch size. FOR UPDATE (with the unique index's gap locks) keeps the plan
      // true until COMMIT: no concurrent sync can slip a write in between.
      return client.transaction(async (tx) => {
        const rows = await stored(tx, { sql: `${read.sql} FOR UPDATE`, params: read.params });
        const plan = planReconcile(userId, items, rows, version);
        const now = new Date();
        await upsertPlan(tx, plan, now);
        if (plan.deletes.length) {
          const ids = plan.deletes.map((r) => r.id);
          await execute(tx, `UPDATE vps SET deleted_at = ?, updated_at = ? WHERE id IN (${placeholders(ids.length)})`, [now, now, ...ids]);
        }
        return settleReconcile(plan, await appliedPlan(tx, plan));
      });
    },

    reconcilePage: (userId, items, options, now) => planetscaleReconcilePage(client, { userId, items, ...options }, now),
    purgeExpiredReconciles: (now) => planetscalePurgeExpiredReconciles(client, now),
  });
}
