import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VpsCreate } from '../../src/contract/index.js';
import { d1Store } from '../../src/store/d1/vps.js';
import type { Vps } from '../../src/store/types.js';
import { freshUser } from './helpers.js';
import { countedStore, storeWithWriteBetweenReadAndWrite } from './round-trips.js';

/**
 * The store interface's contract, run against whichever store the suite is configured with
 * (D1 in `npm test`, PlanetScale through the local endpoint in `npm run test:mysql`).
 * Round trips are counted because on PlanetScale each one is an HTTP request from the edge.
 */
const { kind, store, roundTrips, reset } = countedStore();

const spec = (user_id: number, overrides: Partial<VpsCreate> = {}): VpsCreate => ({
  user_id,
  name: 'contract-vps',
  status: 'creating',
  cpu: 2,
  ram: 2048,
  disk: 50,
  os: 'Ubuntu 22.04 LTS',
  hypervisor: 'proxmox',
  ...overrides,
});

let lastExternal = 0;
const freshExternalId = () => `contract-${Date.now()}-${++lastExternal}`;

async function created(input: VpsCreate): Promise<Vps> {
  const result = await store.create(input);
  if (result.outcome !== 'created') throw new Error(`expected a new VPS, got ${result.outcome}`);
  return result.vps;
}

beforeEach(() => reset());

describe('store.create', () => {
  it('stores the VPS and returns it whole in one round trip', async () => {
    const user = freshUser();
    const before = Date.now();
    const vps = await created(spec(user));
    expect(roundTrips()).toBe(1);
    expect(vps).toEqual({
      ...spec(user),
      id: expect.any(Number),
      external_id: null,
      version: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    // The timestamps are Date#toISOString()'s format exactly (the read path has the database write it).
    expect(new Date(vps.created_at).toISOString()).toBe(vps.created_at);
    expect(Date.parse(vps.created_at)).toBeGreaterThanOrEqual(before - 1);
    expect(vps.updated_at).toEqual(vps.created_at);
    const read = await store.get(user, vps.id);
    expect(read).toEqual(vps);
    // The listing's JSON keeps its key order (the read path writes its SELECT list by hand), and
    // so does the create's answer, built from the row on PlanetScale, whichever fields it left out.
    expect(Object.keys(read!)).toEqual(['id', 'user_id', 'external_id', 'name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor', 'version', 'created_at', 'updated_at']);
    expect(JSON.stringify(vps)).toBe(JSON.stringify(read));
    expect(JSON.stringify((await store.listForUser(user, { limit: 1 })).items)).toBe(JSON.stringify([read]));
  });

  it('answers a create with every optional field given in the same key order as a read', async () => {
    const user = freshUser();
    const { status: _status, ...rest } = spec(user);
    // Optional fields first, required ones after: the input's order is not the answer's.
    const vps = await created({ version: 7, external_id: freshExternalId(), status: 'running', ...rest });
    expect(JSON.stringify(vps)).toBe(JSON.stringify(await store.get(user, vps.id)));
  });

  it('keeps Cyrillic, emoji, the largest values and a version exactly', async () => {
    const user = freshUser();
    const extreme = spec(user, {
      name: '🚀'.repeat(99) + 'я',
      os: 'Альт Линукс 10 🐧'.padEnd(100, 'ё'),
      cpu: 1024,
      ram: 4_194_304,
      disk: 1_048_576,
      status: 'suspended',
      hypervisor: 'xen',
      external_id: '~'.repeat(64),
      version: Number.MAX_SAFE_INTEGER,
    });
    const vps = await created(extreme);
    expect(await store.get(user, vps.id)).toMatchObject(extreme);
    const smallest = await created(spec(user, { name: 'a', os: 'b', cpu: 1, ram: 1, disk: 1, version: 1, external_id: freshExternalId() }));
    expect(await store.get(user, smallest.id)).toMatchObject({ name: 'a', os: 'b', cpu: 1, ram: 1, disk: 1, version: 1 });
  });

  it('accepts the largest user id', async () => {
    const vps = await created(spec(4_294_967_295));
    expect(vps.user_id).toBe(4_294_967_295);
    expect((await store.listForUser(4_294_967_295, { limit: 1 })).items.map((v) => v.id)).toEqual([vps.id]);
  });

  it('tells a replayed create from a conflicting one by external_id, in two round trips', async () => {
    const user = freshUser();
    const input = spec(user, { external_id: freshExternalId() });
    const first = await created(input);
    reset();
    expect(await store.create(input)).toEqual({ outcome: 'replayed', vps: first });
    expect(roundTrips()).toBe(2);
    const other = { ...input, name: 'other' };
    expect(await store.create(other)).toEqual({ outcome: 'conflict', vps: first, deleted: false });
    expect((await store.listForUser(user, { limit: 10 })).items).toEqual([first]);
  });

  it('says whether the VPS a conflicting create found is deleted', async () => {
    const input = spec(freshUser(), { external_id: freshExternalId() });
    const first = await created(input);
    expect((await store.delete({ id: first.id })).outcome).toBe('deleted');
    expect(await store.create({ ...input, name: 'other' })).toMatchObject({ outcome: 'conflict', vps: { id: first.id }, deleted: true });
    expect(await store.create(input)).toMatchObject({ outcome: 'already_deleted', vps: { id: first.id } });
  });

  it('treats external ids case-sensitively, on MySQL as on SQLite', async () => {
    const id = freshExternalId();
    const lower = await created(spec(freshUser(), { external_id: `${id}-abc` }));
    const upper = await created(spec(freshUser(), { external_id: `${id}-ABC` }));
    expect(upper.id).not.toBe(lower.id);
  });
});

describe('store.get', () => {
  it("finds only the owner's live VPS, in one round trip", async () => {
    const owner = freshUser();
    const vps = await created(spec(owner));
    reset();
    expect(await store.get(owner, vps.id)).toEqual(vps);
    expect(roundTrips()).toBe(1);
    expect(await store.get(freshUser(), vps.id)).toBeNull();
    expect(await store.get(owner, 4_294_967_295)).toBeNull();
  });
});

describe('store.update', () => {
  it('applies a patch and returns the whole VPS', async () => {
    const user = freshUser();
    const vps = await created(spec(user));
    await new Promise((r) => setTimeout(r, 5));
    reset();
    const result = await store.update({ id: vps.id }, { status: 'running', ram: 4096 });
    // D1 answers with UPDATE ... RETURNING; MySQL has no RETURNING, so PlanetScale needs a SELECT.
    expect(roundTrips()).toBe(kind === 'd1' ? 1 : 2);
    expect(result).toEqual({ outcome: 'updated', vps: { ...vps, status: 'running', ram: 4096, updated_at: expect.any(String) } });
    const updated = (result as { vps: Vps }).vps;
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(vps.updated_at));
    expect(await store.get(user, vps.id)).toEqual(updated);
  });

  it('finds the VPS by external_id as well', async () => {
    const externalId = freshExternalId();
    const vps = await created(spec(freshUser(), { external_id: externalId }));
    const result = await store.update({ external_id: externalId }, { status: 'stopped' });
    expect(result).toMatchObject({ outcome: 'updated', vps: { id: vps.id, status: 'stopped' } });
  });

  it('applies only a newer version, and says why not otherwise', async () => {
    const vps = await created(spec(freshUser(), { version: 10 }));
    expect(await store.update({ id: vps.id }, { status: 'running' }, 10)).toMatchObject({ outcome: 'stale', vps: { status: 'creating', version: 10 } });
    expect(await store.update({ id: vps.id }, { status: 'running' }, 9)).toMatchObject({ outcome: 'stale', vps: { version: 10 } });
    expect(await store.update({ id: vps.id }, { status: 'running' }, 11)).toMatchObject({ outcome: 'updated', vps: { status: 'running', version: 11 } });
    // Without a version the last write wins and the stored version stays.
    expect(await store.update({ id: vps.id }, { status: 'stopped' })).toMatchObject({ outcome: 'updated', vps: { status: 'stopped', version: 11 } });
  });

  it('reports an unknown id as not found and a deleted one as deleted, changing nothing', async () => {
    const user = freshUser();
    const vps = await created(spec(user));
    expect(await store.update({ id: 4_294_967_295 }, { status: 'running' })).toEqual({ outcome: 'not_found' });
    await store.delete({ id: vps.id });
    expect(await store.update({ id: vps.id }, { status: 'running' })).toMatchObject({ outcome: 'already_deleted', vps: { status: 'creating' } });
    expect((await store.listForUser(user, { limit: 10 })).items).toEqual([]);
  });
});

describe('store.delete', () => {
  it('tombstones in one round trip and tells repeated, stale and unknown deletes apart', async () => {
    const user = freshUser();
    const vps = await created(spec(user));
    reset();
    expect(await store.delete({ id: vps.id })).toEqual({ outcome: 'deleted', vps: { id: vps.id } });
    expect(roundTrips()).toBe(1);
    expect(await store.get(user, vps.id)).toBeNull();
    expect(await store.delete({ id: vps.id })).toMatchObject({ outcome: 'already_deleted', vps: { id: vps.id } });
    expect(await store.delete({ id: 4_294_967_294 })).toEqual({ outcome: 'not_found' });

    const versioned = await created(spec(user, { version: 5 }));
    expect(await store.delete({ id: versioned.id }, 5)).toMatchObject({ outcome: 'stale', vps: { id: versioned.id } });
    expect(await store.delete({ id: versioned.id }, 6)).toEqual({ outcome: 'deleted', vps: { id: versioned.id } });
  });
});

describe('store.listForUser', () => {
  it('lists newest first, pages with before, in one round trip per page', async () => {
    const user = freshUser();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await created(spec(user, { name: `n${i}` }))).id);
    await created(spec(freshUser()));
    const newestFirst = [...ids].reverse();

    reset();
    const first = await store.listForUser(user, { limit: 3 });
    expect(roundTrips()).toBe(1);
    expect(first.items.map((v) => v.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.next).toBe(newestFirst[2]);

    const rest = await store.listForUser(user, { limit: 3, before: first.next! });
    expect(rest.items.map((v) => v.id)).toEqual(newestFirst.slice(3));
    expect(rest.next).toBeNull();
  });

  it('leaves deleted VPS out', async () => {
    const user = freshUser();
    const keep = await created(spec(user));
    const gone = await created(spec(user));
    await store.delete({ id: gone.id });
    expect((await store.listForUser(user, { limit: 10 })).items).toEqual([keep]);
  });
});

describe('store.reconcile', () => {
  const item = (external_id: string, overrides: Record<string, unknown> = {}) => {
    const { user_id: _user, ...rest } = spec(0, overrides);
    return { ...rest, external_id };
  };

  it('applies a plan in a bounded number of round trips, whatever the batch size', async () => {
    const user = freshUser();
    const prefix = freshExternalId();
    for (let i = 0; i < 30; i++) await created(spec(user, { external_id: `${prefix}-${i}` }));
    const items = Array.from({ length: 60 }, (_, i) => item(`${prefix}-${i}`, i % 2 ? { status: 'running' } : {}));
    items.splice(0, 10); // 0..9 are gone from the main site

    reset();
    const dry = await store.reconcile(user, items, { dryRun: true });
    expect(roundTrips()).toBe(1);
    expect(dry.counts).toEqual({ created: 30, updated: 10, deleted: 10, unchanged: 10, skipped: 0, untracked: 0 });

    reset();
    const result = await store.reconcile(user, items, { dryRun: false });
    // D1: a read and one atomic batch. PlanetScale: BEGIN, a locking read, one upsert, a read
    // back of the created ids, one delete, COMMIT.
    expect(roundTrips()).toBe(kind === 'd1' ? 2 : 6);
    expect(dry.changes).toEqual([]);
    expect({ counts: result.counts, skipped: result.skipped }).toEqual({ counts: dry.counts, skipped: dry.skipped });
    const listed = new Map((await store.listForUser(user, { limit: 100 })).items.map((v) => [v.external_id, v]));
    // One change per counted write, each the VPS as the write left it.
    const changed = (action: string) => result.changes.filter((c) => c.action === action);
    expect([changed('create').length, changed('update').length, changed('delete').length]).toEqual([30, 10, 10]);
    for (const c of [...changed('create'), ...changed('update')]) expect(listed.get(c.external_id)).toMatchObject({ id: c.id, version: c.version });
    expect(changed('delete').map((c) => c.external_id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`).sort());
    expect((await store.listForUser(user, { limit: 100 })).items).toHaveLength(50);
  });

  it('never overwrites nor loses a write that lands between its read and its write, and counts only what it changed', async () => {
    const user = freshUser();
    const prefix = freshExternalId();
    const kept = await created(spec(user, { external_id: `${prefix}-kept`, version: 10 }));
    const dropped = await created(spec(user, { external_id: `${prefix}-dropped`, version: 10 }));
    const fresh = `${prefix}-fresh`;

    // Another connection writes while the reconcile is between its read and its write: a newer
    // update of the VPS it plans to update, one of the VPS it plans to delete (its list says
    // version 50, older than that write), and a create of the VPS it plans to create.
    const { store: racing, settled } = storeWithWriteBetweenReadAndWrite(() =>
      Promise.all([
        store.update({ id: kept.id }, { name: 'concurrent' }, 100),
        store.update({ id: dropped.id }, { name: 'concurrent' }, 100),
        store.create(spec(user, { external_id: fresh, name: 'concurrent', version: 100 })),
      ]),
    );
    const result = await racing.reconcile(user, [item(`${prefix}-kept`, { name: 'from-reconcile', version: 20 }), item(fresh, { name: 'from-reconcile', version: 20 })], {
      dryRun: false,
      version: 50,
    });
    const [keptUpdate, droppedUpdate, freshCreate] = await settled();

    const live = new Map((await store.listForUser(user, { limit: 10 })).items.map((v) => [v.external_id, v]));
    const skipped = new Map(result.skipped.map((s) => [s.external_id, s.reason]));
    // Every concurrent write that was answered as applied is what the panel holds now.
    if (keptUpdate.outcome === 'updated') expect(live.get(`${prefix}-kept`)).toMatchObject({ name: 'concurrent', version: 100 });
    if (droppedUpdate.outcome === 'updated') expect(live.get(`${prefix}-dropped`)).toMatchObject({ name: 'concurrent', version: 100 });
    if (freshCreate.outcome === 'created') expect(live.get(fresh)).toMatchObject({ name: 'concurrent', version: 100 });
    // The reconcile counts exactly the writes it made; what it did not make it reports as skipped.
    expect(result.counts.updated + (skipped.has(`${prefix}-kept`) ? 1 : 0)).toBe(1);
    expect(result.counts.deleted + (skipped.has(`${prefix}-dropped`) ? 1 : 0)).toBe(1);
    expect(result.counts.created + (skipped.has(fresh) ? 1 : 0)).toBe(1);
    expect(live.has(`${prefix}-dropped`)).toBe(result.counts.deleted === 0);
    // Its changes are exactly the counted writes: none for a write that lost the race.
    expect(result.changes.map((c) => `${c.action} ${c.external_id}`).sort()).toEqual(
      [
        ...(result.counts.created ? [`create ${fresh}`] : []),
        ...(result.counts.deleted ? [`delete ${prefix}-dropped`] : []),
        ...(result.counts.updated ? [`update ${prefix}-kept`] : []),
      ].sort(),
    );

    if (kind === 'd1') {
      // No locking read on D1: the concurrent writes land first and win.
      expect([keptUpdate.outcome, droppedUpdate.outcome, freshCreate.outcome]).toEqual(['updated', 'updated', 'created']);
      expect(result.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, skipped: 3 });
      expect([...skipped.values()]).toEqual(['changed_during_reconcile', 'changed_during_reconcile', 'changed_during_reconcile']);
    } else {
      // PlanetScale's locking read makes the concurrent writes wait for the reconcile's COMMIT.
      expect(result.counts).toMatchObject({ created: 1, updated: 1, deleted: 1, skipped: 0 });
      expect(keptUpdate.outcome).toBe('updated');
      expect(droppedUpdate.outcome).toBe('already_deleted');
      expect(freshCreate.outcome).toBe('conflict');
    }
  });
});

describe('the listing index', () => {
  it.runIf(kind === 'd1')('serves a filtered page from vps_owner_listing_idx, without sorting (D1)', async () => {
    const queries: { sql: string; params: unknown[] }[] = [];
    const recording = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare') {
          return (sql: string) => {
            const statement = target.prepare(sql);
            return new Proxy(statement, {
              get(s, p) {
                if (p === 'bind') return (...params: unknown[]) => (queries.push({ sql, params }), s.bind(...params));
                const value = Reflect.get(s, p, s);
                return typeof value === 'function' ? value.bind(s) : value;
              },
            });
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const user = freshUser();
    await d1Store(recording).listForUser(user, { limit: 10, before: 1000, status: ['running', 'stopped'], hypervisor: ['kvm'] });
    const [listing] = queries;
    expect(listing?.sql).toMatch(/order by .*\bid"? desc/i);
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${listing!.sql}`)
      .bind(...listing!.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join('\n');
    expect(details).toMatch(/USING INDEX vps_owner_listing_idx/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
