import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import type { ReconcileItem, VpsCreate, VpsPatch, VpsRef } from '../../contract';
import { vps } from '../../db/schema.sqlite';
import { vpsColumns } from '../shared/columns';
import { existingCreateOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, toVps, type StoredVps } from '../shared/outcomes';
import { pageOf } from '../shared/page';
import { readStatements } from '../shared/read-sql';
import { planReconcile, settleReconcile } from '../shared/reconcile-plan';
import type { CreateResult, DeleteResult, ListOptions, ListPage, ReconcileResult, UpdateResult, Vps, VpsStore } from '../types';
import { translateD1Errors } from './errors';

const { visible, stored } = vpsColumns(vps);

/**
 * Milliseconds since the epoch (timestamp_ms) as Date#toISOString() writes them; integer
 * arithmetic only, so no millisecond is lost to floating point.
 */
const isoTimestamp = (column: string) =>
  `strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || printf('.%03dZ', ${column} % 1000)`;
const reads = readStatements(isoTimestamp);

/** D1 binds at most 100 parameters per statement: multi-row writes go in chunks. */
const MAX_PARAMS = 100;
const chunk = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const byRef = (ref: VpsRef) => ('id' in ref ? eq(vps.id, ref.id) : eq(vps.external_id, ref.external_id));
/** Writes carrying a version apply only over an older one. */
const olderThan = (version?: number) => (version === undefined ? undefined : lt(vps.version, version));

const DESCRIBED = ['name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor'] as const;
/** The row exactly as a reconcile's plan read it: any write since (even in the same millisecond) breaks the match. */
const unchangedSince = (row: StoredVps): SQL =>
  and(
    eq(vps.id, row.id),
    isNull(vps.deleted_at),
    eq(vps.user_id, row.user_id),
    eq(vps.version, row.version),
    eq(vps.updated_at, row.updated_at),
    ...DESCRIBED.map((f) => eq(vps[f], row[f])),
  )!;
/** Bound parameters of one unchangedSince() guard. */
const GUARD_PARAMS = 5 + DESCRIBED.length;

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

      const now = new Date();
      const creates = await Promise.all(plan.creates.map((c) => newRow(c, now)));
      const returning = { external_id: vps.external_id };
      const statements: BatchItem<'sqlite'>[] = [];
      const kinds: ('created' | 'updated' | 'deleted')[] = [];
      const rowsPerInsert = creates.length ? Math.floor(MAX_PARAMS / Object.keys(creates[0]!).length) : 1;
      for (const part of chunk(creates, rowsPerInsert)) {
        statements.push(db.insert(vps).values(part).onConflictDoNothing({ target: vps.external_id }).returning(returning));
        kinds.push('created');
      }
      for (const { row, patch, version } of plan.updates) {
        statements.push(db.update(vps).set({ ...patch, version, updated_at: now }).where(unchangedSince(row)).returning(returning));
        kinds.push('updated');
      }
      for (const part of chunk(plan.deletes, Math.floor((MAX_PARAMS - 2) / GUARD_PARAMS))) {
        statements.push(db.update(vps).set({ deleted_at: now, updated_at: now }).where(or(...part.map(unchangedSince))).returning(returning));
        kinds.push('deleted');
      }
      const [first, ...rest] = statements;
      const results = first ? ((await db.batch([first, ...rest])) as { external_id: string | null }[][]) : [];

      const applied = { created: new Set<string>(), updated: new Set<string>(), deleted: new Set<string>() };
      results.forEach((changed, i) => {
        for (const { external_id } of changed) if (external_id) applied[kinds[i]!].add(external_id);
      });
      return settleReconcile(plan, applied);
    },
  });
}
