import type { VpsRef } from '../../src/contract/index.js';
import { existingCreateOutcome, heldKeyOutcome, missedDeleteOutcome, missedUpdateOutcome, newRow, toVps, type StoredVps } from '../../src/store/shared/outcomes.js';
import { pageOf } from '../../src/store/shared/page.js';
import { planReconcile, settleReconcile, type AppliedWrites } from '../../src/store/shared/reconcile-plan.js';
import type { Stores } from '../../src/store/select.js';
import type { IdempotencyClaim, Vps } from '../../src/store/types.js';
import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS } from '../../src/contract/index.js';

/**
 * Stores that keep their data in the isolate's memory: the database taken out, everything else
 * (fingerprints, outcomes, paging) as the real stores do it, so a benchmark measures the request
 * pipeline. One instance per isolate (scripts/bench/worker-memory.ts): what a create stores, a
 * later listing answers. Benchmark only: nothing survives the isolate.
 */
export function memoryStores(): Stores {
  let nextId = 1;
  const rows = new Map<number, StoredVps>();
  const byExternalId = new Map<string, StoredVps>();
  const find = (ref: VpsRef) => ('id' in ref ? rows.get(ref.id) : byExternalId.get(ref.external_id));
  const isLive = (row: StoredVps | undefined, version?: number): row is StoredVps =>
    !!row && !row.deleted_at && (version === undefined || row.version < version);
  /** Each owner's rows in creation order (ids only grow): a listing walks them backwards. */
  const byUser = new Map<number, StoredVps[]>();
  const insert = (row: StoredVps) => {
    rows.set(row.id, row);
    views.set(row, toVps(row));
    if (row.external_id !== null) byExternalId.set(row.external_id, row);
    const owned = byUser.get(row.user_id);
    if (owned) owned.push(row);
    else byUser.set(row.user_id, [row]);
  };
  /** Rows change in place, so every index keeps seeing the current one. */
  const write = (row: StoredVps, change: Partial<StoredVps>) => {
    Object.assign(row, change);
    views.set(row, toVps(row));
  };
  /** What a read answers, kept formatted as a database keeps its rows: the real stores' reads get ISO strings from SQL. */
  const views = new WeakMap<StoredVps, Vps>();
  const view = (row: StoredVps) => views.get(row) ?? toVps(row);

  const keys = new Map<
    string,
    { request_hash: string; state: 'in_flight' | 'done'; response_status: number | null; response_body: string | null; created_at: Date; expires_at: Date }
  >();
  const webhookIds = new Map<string, number>();

  return {
    vps: {
      async create(input) {
        const row = await newRow(input, new Date());
        const existing = row.external_id === null ? undefined : byExternalId.get(row.external_id);
        if (existing) return existingCreateOutcome(existing, row.create_hash);
        const stored: StoredVps = { id: nextId++, ...row, deleted_at: null };
        insert(stored);
        return { outcome: 'created', vps: toVps(stored) };
      },
      async update(ref, patch, version) {
        const row = find(ref);
        if (!isLive(row, version)) return missedUpdateOutcome(row);
        write(row, { ...patch, updated_at: new Date(), ...(version === undefined ? {} : { version }) });
        return { outcome: 'updated', vps: toVps(row) };
      },
      async delete(ref, version) {
        const row = find(ref);
        if (!isLive(row, version)) return missedDeleteOutcome(row);
        const now = new Date();
        write(row, { deleted_at: now, updated_at: now, ...(version === undefined ? {} : { version }) });
        return { outcome: 'deleted', vps: ref };
      },
      async get(userId, id) {
        const row = rows.get(id);
        return row && row.user_id === userId && !row.deleted_at ? view(row) : null;
      },
      async listForUser(userId, { limit, before, status, hypervisor }) {
        const items = [];
        const owned = byUser.get(userId) ?? [];
        for (let i = owned.length - 1; i >= 0 && items.length <= limit; i--) {
          const row = owned[i]!;
          if (row.deleted_at) continue;
          if (before !== undefined && row.id >= before) continue;
          if (status && !status.includes(row.status)) continue;
          if (hypervisor && !hypervisor.includes(row.hypervisor)) continue;
          items.push(view(row));
        }
        return pageOf(items, limit);
      },
      async getForMainSite(ref) {
        const row = find(ref);
        return row ? { ...view(row), deleted_at: row.deleted_at?.toISOString() ?? null } : null;
      },
      async listForMainSite(userId, { limit, before, includeDeleted }) {
        const items = [];
        const owned = byUser.get(userId) ?? [];
        for (let i = owned.length - 1; i >= 0 && items.length <= limit; i--) {
          const row = owned[i]!;
          if (row.deleted_at && !includeDeleted) continue;
          if (before !== undefined && row.id >= before) continue;
          items.push({ ...view(row), deleted_at: row.deleted_at?.toISOString() ?? null });
        }
        return pageOf(items, limit);
      },
      async reconcile(userId, items, { dryRun, version }) {
        const wanted = new Set(items.map((i) => i.external_id));
        const current = [...(byUser.get(userId) ?? []), ...[...wanted].flatMap((id) => byExternalId.get(id) ?? [])];
        const plan = planReconcile(userId, items, current, version);
        if (dryRun) return plan.result;
        const now = new Date();
        const applied = { created: new Map(), updated: new Map(), deleted: new Map() } satisfies Record<keyof AppliedWrites, Map<string, StoredVps>>;
        for (const create of plan.creates) {
          const row: StoredVps = { id: nextId++, ...(await newRow(create, now)), deleted_at: null };
          insert(row);
          applied.created.set(row.external_id!, row);
        }
        for (const { row, patch, version } of plan.updates) {
          const stored = rows.get(row.id)!;
          write(stored, { ...patch, version, updated_at: now });
          applied.updated.set(stored.external_id!, stored);
        }
        for (const row of plan.deletes) {
          const stored = rows.get(row.id)!;
          write(stored, { deleted_at: now, updated_at: now });
          applied.deleted.set(stored.external_id!, stored);
        }
        return settleReconcile(plan, applied);
      },
      // The benchmark sends no paged reconcile: none is ever open here.
      async reconcilePage() {
        return { outcome: 'not_found' };
      },
      async purgeExpiredReconciles() {
        return 0;
      },
      async ping() {},
    },
    idempotency: {
      async claim(key, requestHash, now): Promise<IdempotencyClaim> {
        const held = keys.get(key);
        if (held && held.expires_at >= now) return heldKeyOutcome(held, requestHash);
        const expires_at = new Date(now.getTime() + IN_FLIGHT_LEASE_MS);
        keys.set(key, { request_hash: requestHash, state: 'in_flight', response_status: null, response_body: null, created_at: now, expires_at });
        return { state: 'claimed' };
      },
      // Only over the claim it was made for, as the real stores.
      async complete(key, claimedAt, status, body, now) {
        const held = keys.get(key);
        if (held?.state === 'in_flight' && held.created_at.getTime() === claimedAt.getTime()) {
          Object.assign(held, { state: 'done', response_status: status, response_body: body, expires_at: new Date(now.getTime() + ANSWER_TTL_MS) });
        }
      },
      async release(key, claimedAt) {
        const held = keys.get(key);
        if (held?.state === 'in_flight' && held.created_at.getTime() === claimedAt.getTime()) keys.delete(key);
      },
      async purgeExpired(now) {
        let purged = 0;
        for (const [key, { expires_at }] of keys) if (expires_at < now && keys.delete(key)) purged++;
        return purged;
      },
    },
    webhookIds: {
      async claim(id, expiresAt, now) {
        const held = webhookIds.get(id);
        if (held !== undefined && held >= now.getTime()) return false;
        webhookIds.set(id, expiresAt.getTime());
        return true;
      },
      async release(id) {
        webhookIds.delete(id);
      },
      async purgeExpired(now) {
        let purged = 0;
        for (const [id, expiresAt] of webhookIds) if (expiresAt < now.getTime() && webhookIds.delete(id)) purged++;
        return purged;
      },
    },
  };
}
