import type { Stores } from '../../src/store/select';
import type { Vps } from '../../src/store/types';

/**
 * Stores that answer from memory without I/O, so a benchmark measures the request pipeline
 * (routing, auth, body parsing, validation, serialisation) and not a database. Benchmark only.
 */
export function memoryStores(): Stores {
  let nextId = 1;
  const rows: Vps[] = [];
  const now = new Date();
  const page = (userId: number, limit: number) => rows.filter((v) => v.user_id === userId).slice(-limit).reverse();
  return {
    vps: {
      async create(input) {
        const vps: Vps = { id: nextId++, external_id: null, version: 0, ...input, created_at: now, updated_at: now };
        if (rows.length < 10_000) rows.push(vps);
        return { outcome: 'created', vps };
      },
      async update() {
        return { outcome: 'not_found' };
      },
      async delete() {
        return { outcome: 'not_found' };
      },
      async get(userId, id) {
        return rows.find((v) => v.id === id && v.user_id === userId) ?? null;
      },
      async listForUser(userId, { limit }) {
        return { items: page(userId, limit), next: null };
      },
      // Nothing is ever deleted here: every row is live.
      async getForMainSite(ref) {
        const row = rows.find((v) => ('id' in ref ? v.id === ref.id : v.external_id === ref.external_id));
        return row ? { ...row, deleted_at: null } : null;
      },
      async listForMainSite(userId, { limit }) {
        return { items: page(userId, limit).map((v) => ({ ...v, deleted_at: null })), next: null };
      },
      async reconcile() {
        return { counts: { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 }, skipped: [], changes: [] };
      },
      async reconcilePage() {
        return { outcome: 'not_found' };
      },
      async purgeExpiredReconciles() {
        return 0;
      },
      async ping() {},
    },
    idempotency: {
      async claim() {
        return { state: 'claimed' };
      },
      async complete() {},
      async release() {},
      async purgeExpired() {
        return 0;
      },
    },
    webhookIds: {
      async claim() {
        return true;
      },
      async release() {},
      async purgeExpired() {
        return 0;
      },
    },
  };
}
