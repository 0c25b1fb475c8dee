import { beforeEach, describe, expect, it } from 'vitest';
import type { VpsCreate } from '../../src/vps/schema';
import { freshUser } from './helpers';
import { countedStore } from './round-trips';

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

beforeEach(() => reset());

describe('store.create', () => {
  it('stores the VPS and returns it whole in one round trip', async () => {
    const user = freshUser();
    const before = Date.now();
    const vps = await store.create(spec(user));
    expect(roundTrips()).toBe(1);
    expect(vps).toEqual({
      ...spec(user),
      id: expect.any(Number),
      created_at: expect.any(Date),
      updated_at: expect.any(Date),
    });
    expect(vps.created_at.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(vps.updated_at).toEqual(vps.created_at);
    expect(await store.get(user, vps.id)).toEqual(vps);
  });

  it('keeps Cyrillic, emoji and the largest values exactly', async () => {
    const user = freshUser();
    const extreme = spec(user, {
      name: '🚀'.repeat(99) + 'я',
      os: 'Альт Линукс 10 🐧'.padEnd(100, 'ё'),
      cpu: 1024,
      ram: 4_194_304,
      disk: 1_048_576,
      status: 'suspended',
      hypervisor: 'xen',
    });
    const vps = await store.create(extreme);
    expect(await store.get(user, vps.id)).toMatchObject(extreme);
    const smallest = await store.create(spec(user, { name: 'a', os: 'b', cpu: 1, ram: 1, disk: 1 }));
    expect(await store.get(user, smallest.id)).toMatchObject({ name: 'a', os: 'b', cpu: 1, ram: 1, disk: 1 });
  });

  it('accepts the largest user id', async () => {
    const vps = await store.create(spec(4_294_967_295));
    expect(vps.user_id).toBe(4_294_967_295);
    expect((await store.listForUser(4_294_967_295, { limit: 100 })).items.map((v) => v.id)).toContain(vps.id);
  });
});

describe('store.get', () => {
  it("finds only the owner's live VPS, in one round trip", async () => {
    const owner = freshUser();
    const vps = await store.create(spec(owner));
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
    const vps = await store.create(spec(user));
    await new Promise((r) => setTimeout(r, 5));
    reset();
    const updated = await store.update(vps.id, { status: 'running', ram: 4096 });
    // D1 answers with UPDATE ... RETURNING; MySQL has no RETURNING, so PlanetScale needs a SELECT.
    expect(roundTrips()).toBe(kind === 'd1' ? 1 : 2);
    expect(updated).toEqual({ ...vps, status: 'running', ram: 4096, updated_at: expect.any(Date) });
    expect(updated!.updated_at.getTime()).toBeGreaterThan(vps.updated_at.getTime());
    expect(await store.get(user, vps.id)).toEqual(updated);
  });

  it('returns null for an unknown or deleted id and changes nothing', async () => {
    const user = freshUser();
    const vps = await store.create(spec(user));
    expect(await store.update(4_294_967_295, { status: 'running' })).toBeNull();
    await store.delete(vps.id);
    expect(await store.update(vps.id, { status: 'running' })).toBeNull();
    expect((await store.listForUser(user, { limit: 10 })).items).toEqual([]);
  });
});

describe('store.delete', () => {
  it('tombstones in one round trip and tells repeated and unknown deletes apart', async () => {
    const user = freshUser();
    const vps = await store.create(spec(user));
    reset();
    expect(await store.delete(vps.id)).toBe('deleted');
    expect(roundTrips()).toBe(1);
    expect(await store.get(user, vps.id)).toBeNull();
    expect(await store.delete(vps.id)).toBe('already_deleted');
    expect(await store.delete(4_294_967_294)).toBe('not_found');
  });
});

describe('store.listForUser', () => {
  it('lists newest first, pages with before, in one round trip per page', async () => {
    const user = freshUser();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.create(spec(user, { name: `n${i}` }))).id);
    await store.create(spec(freshUser()));
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
    const keep = await store.create(spec(user));
    const gone = await store.create(spec(user));
    await store.delete(gone.id);
    expect((await store.listForUser(user, { limit: 10 })).items).toEqual([keep]);
  });
});
