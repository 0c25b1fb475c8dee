import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { ReconcileItem, VpsCreate, VpsPatch, VpsRef } from '../../contract';
import { vps } from '../../db/schema.sqlite';
import { vpsColumns } from '../shared/columns';
import { existingCreateOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, toVps, type StoredVps } from '../shared/outcomes';
import { pageOf } from '../shared/page';
import { readStatements } from '../shared/read-sql';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan';
import { d1PurgeExpiredReconciles, d1ReconcilePage } from './reconcile-page';
import { appliedWrites, planStatements, type ChangedRow } from './reconcile-writes';
import type { CreateResult, DeleteResult, ListOptions, ListPage, MainSiteListOptions, ReconcileResult, UpdateResult, Vps, VpsRecord, VpsStore } from '../types';
import { translateD1Errors } from './errors';

const { visible, stored } = vpsColumns(vps);

/**
 * Milliseconds since the epoch (timestamp_ms) as Date#toISOString() writes them; integer
 * arithmetic only, so no millisecond is lost to floating point.
 */
const isoTimestamp = (column: string) =>
  `strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || printf('.%03dZ', ${column} % 1000)`;
const reads = readStatements(isoTimestamp);

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
  /** D1 statements of the read path, prepared once per SQL text; each request binds its own copy. */
  const prepared = new Map<string, D1PreparedStatement>();
  const query = async <T>({ sql, params }: { sql: string; params: (string | number)[] }): Promise<T[]> => {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = binding.prepare(sql)));
    return (await statement.bind(...params).all<T>()).results;
  };
  const current = async (ref: VpsRef): Promise<StoredVps | undefined> => (await db.select(stored).from(vps).where(byRef(ref)))[0];

  return translateD1Errors({
    async create(input: VpsCreate): Promise<CreateResult> {
      const row = await newRow(input, new Date());
      const [created] = await db.insert(vps).values(row).onConflictDoNothing({ target: vps.external_id }).returning(visible);
      if (created) return { outcome: 'created', vps: toVps(created) };
      // Only an existing external_id stops the insert: decide replay or conflict from that row.
      const existing = await current({ external_id: input.external_id! });
      if (!existing) throw new Error('create conflicted on an external_id that cannot be read back');
      return existingCreateOutcome(existing, row.create_hash);
    },

    async update(ref: VpsRef, patch: VpsPatch, version?: number): Promise<UpdateResult> {
      const [row] = await db
        .update(vps)
        .set({ ...patch, updated_at: new Date(), ...(version === undefined ? {} : { version }) })
        .where(and(byRef(ref), isNull(vps.deleted_at), olderThan(version)))
        .returning(visible);
      if (row) return { outcome: 'updated', vps: toVps(row) };
      return missedUpdateOutcome(await current(ref));
    },

    async delete(ref: VpsRef, version?: number): Promise<DeleteResult> {
      const now = new Date();
      const deleted = await db
        .update(vps)
        .set({ deleted_at: now, updated_at: now, ...(version === undefined ? {} : { version }) })
        .where(and(byRef(ref), isNull(vps.deleted_at), olderThan(version)))
        .returning({ id: vps.id });
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
      await db.select({ id: vps.id }).from(vps).limit(1);
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
      // One parameter for all external_ids (json_each) keeps the read within D1's bound-parameter limit.
      const wanted = JSON.stringify(items.map((i) => i.external_id));
      const rows = await db
        .select(stored)
        .from(vps)
        .where(or(eq(vps.user_id, userId), sql`${vps.external_id} IN (SELECT value FROM json_each(${wanted}))`));
      const plan = planReconcile(userId, items, rows, version);
      if (dryRun) return plan.result;

      const { statements, kinds } = await planStatements(db, plan, new Date());
      const [first, ...rest] = statements;
      const results = first ? ((await db.batch([first, ...rest])) as ChangedRow[][]) : [];
      return settleReconcile(plan, appliedWrites(results, kinds));
    },

    reconcilePage: (userId, items, options, now) => d1ReconcilePage(db, { userId, items, ...options }, now),
    purgeExpiredReconciles: (now) => d1PurgeExpiredReconciles(db, now),
  });
}
