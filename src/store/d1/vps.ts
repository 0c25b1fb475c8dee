import type { ReconcileItem, VpsCreate, VpsPatch, VpsRef } from '../../contract/index.js';
import { STORED_COLUMNS } from '../shared/columns.js';
import { existingCreateOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, toVps, type StoredVps } from '../shared/outcomes.js';
import { pageOf } from '../shared/page.js';
import { readStatements } from '../shared/read-sql.js';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan.js';
import type { Statement } from '../shared/statement.js';
import { currentRow, deleteSet, guardedWrite, insertRows, PING, updateSet } from '../shared/write-sql.js';
import { d1PurgeExpiredReconciles, d1ReconcilePage } from './reconcile-page.js';
import { appliedWrites, planStatements, type ChangedRow } from './reconcile-writes.js';
import { d1Sql } from './sql.js';
import { storedVps, type StoredVpsOnD1 } from './vps-row.js';
import type { CreateResult, DeleteResult, ListOptions, ListPage, MainSiteListOptions, ReconcileResult, UpdateResult, Vps, VpsRecord, VpsStore } from '../types.js';
import { translateD1Errors } from './errors.js';

/**
 * Milliseconds since the epoch (timestamp_ms) as Date#toISOString() writes them; integer
 * arithmetic only, so no millisecond is lost to floating point.
 */
const isoTimestamp = (column: string) =>
  `strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || printf('.%03dZ', ${column} % 1000)`;
const reads = readStatements(isoTimestamp);

/** A write's RETURNING: the row as it left it, decided on like a read one. */
const RETURNING_STORED = ` RETURNING ${STORED_COLUMNS}`;
/** One parameter for all external_ids (json_each) keeps the read within D1's bound-parameter limit. */
const RECONCILE_READ = `SELECT ${STORED_COLUMNS} FROM vps WHERE user_id = ? OR external_id IN (SELECT value FROM json_each(?))`;

/**
 * The embedded store: SQL of its own over a D1 binding. Writes are single guarded statements
 * with RETURNING, so the common path is one round trip; reconcile applies its plan in one
 * batch, which D1 runs as one transaction. Transient D1 failures answer 503 + Retry-After.
 */
export function d1Store(binding: D1Database): VpsStore {
  const sql = d1Sql(binding);
  const query = <T>({ sql: text, params }: Statement) => sql.all<T>(text, params);
  /** The rows a statement returns, decoded for decisions. */
  const stored = async ({ sql: text, params }: Statement) => (await sql.all<StoredVpsOnD1>(text, params)).map(storedVps);
  const current = async (ref: VpsRef): Promise<StoredVps | undefined> => (await stored(currentRow(ref)))[0];

  return translateD1Errors({
    async create(input: VpsCreate): Promise<CreateResult> {
      const row = await newRow(input, new Date());
      const insert = insertRows([row]);
      const [created] = await stored({ sql: `${insert.sql} ON CONFLICT (external_id) DO NOTHING${RETURNING_STORED}`, params: insert.params });
      if (created) return { outcome: 'created', vps: toVps(created) };
      // Only an existing external_id stops the insert: decide replay or conflict from that row.
      const existing = await current({ external_id: input.external_id! });
      if (!existing) throw new Error('create conflicted on an external_id that cannot be read back');
      return existingCreateOutcome(existing, row.create_hash);
    },

    async update(ref: VpsRef, patch: VpsPatch, version?: number): Promise<UpdateResult> {
      const update = guardedWrite(ref, updateSet(patch, new Date(), version), version);
      const [row] = await stored({ sql: update.sql + RETURNING_STORED, params: update.params });
      if (row) return { outcome: 'updated', vps: toVps(row) };
      return missedUpdateOutcome(await current(ref));
    },

    async delete(ref: VpsRef, version?: number): Promise<DeleteResult> {
      const write = guardedWrite(ref, deleteSet(new Date(), version), version);
      const deleted = await sql.all<{ id: number }>(`${write.sql} RETURNING id`, write.params);
      if (deleted.length) return { outcome: 'deleted', vps: ref };
      // Rare path (a repeated, stale or unknown delete): tell them apart.
      return missedDeleteOutcome(await current(ref));
    },

    async getForMainSite(ref: VpsRef) {
      const [row] = await query<VpsRecord>(reads.getForMainSite(ref));
      return row ?? null;
    },

    async listForMainSite(userId: number, options: MainSiteListOptions): Promise<ListPage<VpsRecord>> {
      return pageOf(await query<VpsRecord>(reads.listForMainSite(userId, options)), options.limit);
    },

    async ping() {
      await sql.all(PING);
    },

    async get(userId: number, id: number) {
      const [row] = await query<Vps>(reads.get(userId, id));
      return row ?? null;
    },

    async listForUser(userId: number, options: ListOptions): Promise<ListPage> {
      return pageOf(await query<Vps>(reads.list(userId, options)), options.limit);
    },

    /**
     * D1 has no locking read: the plan is made from a read outside the batch, and every write of
     * the batch is guarded by the state the plan was made from. A write that slipped in between
     * wins; the answer counts what the statements changed (RETURNING) and reports the rest as
     * skipped, `changed_during_reconcile`.
     */
    async reconcile(userId: number, items: ReconcileItem[], { dryRun, version }: { dryRun: boolean; version?: number }): Promise<ReconcileResult> {
      const rows = await stored({ sql: RECONCILE_READ, params: [userId, JSON.stringify(items.map((i) => i.external_id))] });
      const plan = planReconcile(userId, items, rows, version);
      if (dryRun) return plan.result;

      const { statements, kinds } = await planStatements(sql, plan, new Date());
      const results = statements.length ? ((await sql.batch(statements)) as ChangedRow[][]) : [];
      return settleReconcile(plan, appliedWrites(results, kinds));
    },

    reconcilePage: (userId, items, options, now) => d1ReconcilePage(sql, { userId, items, ...options }, now),
    purgeExpiredReconciles: (now) => d1PurgeExpiredReconciles(sql, now),
  });
}
