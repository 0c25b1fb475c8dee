import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VpsCreate } from '../../src/contract/index.js';
import { d1Store } from '../../src/store/d1/vps.js';
import type { Vps } from '../../src/store/types.js';
import { freshUser } from './helpers.js';
import { countedStore } from './round-trips.js';

/**
 * The store's reads for the main site (getForMainSite, listForMainSite), on whichever store the
 * suite runs with (D1 in `npm test`, PlanetScale in `npm run test:mysql`): tombstones included,
 * one round trip each.
 */
const { kind, store, roundTrips, reset } = countedStore();

let lastExternal = 0;
const freshExternalId = () => `main-site-read-${Date.now()}-${++lastExternal}`;

const spec = (user_id: number, overrides: Partial<VpsCreate> = {}): VpsCreate => ({
  user_id,
  name: 'read-vps',
  status: 'running',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os: 'Debian 12',
  hypervisor: 'kvm',
  ...overrides,
});

async function created(input: VpsCreate): Promise<Vps> {
  const result = await store.create(input);
  if (result.outcome !== 'created') throw new Error(`expected a new VPS, got ${result.outcome}`);
  return result.vps;
}

beforeEach(() => reset());

describe('store.getForMainSite', () => {
  it('finds a live VPS by id or external_id, whoever owns it, in one round trip each', async () => {
    const external_id = freshExternalId();
    const vps = await created(spec(freshUser(), { external_id }));
    reset();
    expect(await store.getForMainSite({ id: vps.id })).toEqual({ ...vps, deleted_at: null });
    expect(roundTrips()).toBe(1);
    expect(await store.getForMainSite({ external_id })).toEqual({ ...vps, deleted_at: null });
    expect(roundTrips()).toBe(2);
  });

  it('finds a tombstone with when it was deleted, and null for a VPS that never existed', async () => {
    const external_id = freshExternalId();
    const vps = await created(spec(freshUser(), { external_id }));
    const before = Date.now();
    expect((await store.delete({ external_id }, 7)).outcome).toBe('deleted');
    const tombstone = await store.getForMainSite({ id: vps.id });
    expect(tombstone).toMatchObject({ id: vps.id, external_id, version: 7, status: 'running' });
    // ISO 8601 as the other timestamps, the same instant as the delete's updated_at.
    expect(tombstone!.deleted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(tombstone!.deleted_at!)).toBeGreaterThanOrEqual(before - 1);
    expect(tombstone!.deleted_at).toBe(tombstone!.updated_at);
    expect(await store.getForMainSite({ external_id })).toEqual(tombstone);

    expect(await store.getForMainSite({ id: 4_294_967_295 })).toBeNull();
    expect(await store.getForMainSite({ external_id: freshExternalId() })).toBeNull();
  });
});

describe('store.listForMainSite', () => {
  it("pages through one user's VPS newest first, tombstones included, one round trip a page", async () => {
    const user = freshUser();
    const other = await created(spec(freshUser()));
    const all: Vps[] = [];
    for (let i = 0; i < 5; i++) all.push(await created(spec(user, { name: `vps-${i}` })));
    await store.delete({ id: all[1]!.id });
    await store.delete({ id: all[3]!.id });

    const seen: { id: number; deleted: boolean }[] = [];
    let before: number | undefined;
    reset();
    for (let page = 1; ; page++) {
      const { items, next } = await store.listForMainSite(user, { limit: 2, before, includeDeleted: true });
      expect(roundTrips()).toBe(page);
      seen.push(...items.map((v) => ({ id: v.id, deleted: v.deleted_at !== null })));
      if (next === null) break;
      before = next;
    }
    const newestFirst = [...all].reverse().map((v) => ({ id: v.id, deleted: v.id === all[1]!.id || v.id === all[3]!.id }));
    expect(seen).toEqual(newestFirst);
    expect(seen.map((v) => v.id)).not.toContain(other.id);
  });

  it('lists live VPS only when tombstones are not wanted', async () => {
    const user = freshUser();
    const [a, b, c] = [await created(spec(user)), await created(spec(user)), await created(spec(user))];
    await store.delete({ id: b.id });
    const { items, next } = await store.listForMainSite(user, { limit: 10, includeDeleted: false });
    expect(items).toEqual([c, a].map((v) => ({ ...v, deleted_at: null })));
    expect(next).toBeNull();
  });

  it('answers an empty page for a user without VPS', async () => {
    expect(await store.listForMainSite(freshUser(), { limit: 10, includeDeleted: true })).toEqual({ items: [], next: null });
  });

  it.runIf(kind === 'd1')('reads a page through an index, never by sorting all of the user\'s rows (D1)', async () => {
    let query = '';
    let params: unknown[] = [];
    const recording = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare') {
          return (sql: string) => {
            query = sql;
            const statement = target.prepare(sql);
            return new Proxy(statement, {
              get(s, p) {
                const value = Reflect.get(s, p, s);
                if (p === 'bind') return (...args: unknown[]) => ((params = args), value.apply(s, args));
                return typeof value === 'function' ? value.bind(s) : value;
              },
            });
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const reads = d1Store(recording);
    for (const includeDeleted of [true, false]) {
      await reads.listForMainSite(freshUser(), { limit: 10, before: 1_000_000, includeDeleted });
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`)
        .bind(...params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail).join('; ');
      expect(details, details).toMatch(includeDeleted ? /USING INDEX vps_user_idx/ : /USING INDEX vps_owner_listing_idx/);
      expect(details, details).not.toMatch(/TEMP B-TREE/);
    }
  });
});
