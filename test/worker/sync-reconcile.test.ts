import { describe, expect, it } from 'vitest';
import { errorBody, freshUser, listAs, sync, validVps, type CreatedVps } from './helpers.js';

let lastPrefix = 0;
const freshPrefix = () => `rc-${Date.now()}-${++lastPrefix}`;

/** One VPS as the main site describes it in a reconcile. */
const item = (external_id: string, overrides: Record<string, unknown> = {}) => {
  const { user_id: _owner, ...spec } = validVps(0, overrides);
  return { ...spec, external_id };
};

const reconcile = (user_id: number, vps: unknown[], dry_run = false) => sync({ action: 'reconcile', user_id, dry_run, vps });

const panelSet = async (user: number) =>
  (await (await listAs(user)).json<{ vps: CreatedVps[] }>()).vps
    .map(({ external_id, name, status, cpu, ram, disk, os, hypervisor }) => ({ external_id, name, status, cpu, ram, disk, os, hypervisor }))
    .sort((a, b) => String(a.external_id).localeCompare(String(b.external_id)));

const sorted = <T extends { external_id: string }>(items: T[]) => [...items].sort((a, b) => a.external_id.localeCompare(b.external_id));

describe('sync reconcile', () => {
  it('makes a drifted panel equal the main site set, and a second reconcile does nothing', async () => {
    const user = freshUser();
    const p = freshPrefix();
    // The panel: a, b (stale), c (no longer on the main site).
    for (const [id, overrides] of [
      [`${p}-a`, {}],
      [`${p}-b`, { status: 'creating', ram: 1024 }],
      [`${p}-c`, {}],
    ] as const) {
      expect((await sync({ action: 'create', vps: validVps(user, { ...overrides, external_id: id }) })).status).toBe(201);
    }
    // The main site: a (same), b (changed), d (missed create).
    const mainSite = [item(`${p}-a`), item(`${p}-b`, { status: 'running', ram: 4096 }), item(`${p}-d`, { name: 'новый 🚀' })];

    const res = await reconcile(user, mainSite);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'success',
      message: 'VPS reconciled',
      dry_run: false,
      counts: { created: 1, updated: 1, deleted: 1, unchanged: 1, skipped: 0, untracked: 0 },
      skipped: [],
    });
    expect(await panelSet(user)).toEqual(sorted(mainSite));

    const again = await (await reconcile(user, mainSite)).json<{ counts: Record<string, number> }>();
    expect(again.counts).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 3, skipped: 0, untracked: 0 });
    expect(await panelSet(user)).toEqual(sorted(mainSite));
  });

  it('counts the same in a dry run and changes nothing', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-old` }) });
    const before = await panelSet(user);

    const res = await reconcile(user, [item(`${p}-new`)], true);
    expect(await res.json()).toEqual({
      status: 'success',
      message: 'Dry run: nothing was changed',
      dry_run: true,
      counts: { created: 1, updated: 0, deleted: 1, unchanged: 0, skipped: 0, untracked: 0 },
      skipped: [],
    });
    expect(await panelSet(user)).toEqual(before);
  });

  it('respects versions, tombstones, other owners and VPS without external_id', async () => {
    const user = freshUser();
    const other = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-newer`, version: 50, status: 'running' }) });
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-gone` }) });
    await sync({ action: 'delete', vps: { external_id: `${p}-gone` } });
    await sync({ action: 'create', vps: validVps(other, { external_id: `${p}-theirs` }) });
    await sync({ action: 'create', vps: validVps(user, { name: 'legacy, no external id' }) });

    const res = await reconcile(user, [
      item(`${p}-newer`, { version: 40, status: 'stopped' }),
      item(`${p}-gone`),
      item(`${p}-theirs`),
    ]);
    expect(await res.json()).toMatchObject({
      counts: { created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 3, untracked: 1 },
      skipped: [
        { external_id: `${p}-newer`, reason: 'stale_version' },
        { external_id: `${p}-gone`, reason: 'deleted_in_panel' },
        { external_id: `${p}-theirs`, reason: 'owned_by_another_user' },
      ],
    });
    const names = (await panelSet(user)).map((v) => [v.external_id, v.status]);
    expect(names).toEqual(expect.arrayContaining([[`${p}-newer`, 'running'], [null, 'creating']]));
    expect(names).toHaveLength(2);
    expect((await panelSet(other)).map((v) => v.external_id)).toEqual([`${p}-theirs`]);
  });

  it('applies a newer version from the main site', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-x`, version: 1 }) });
    const res = await reconcile(user, [item(`${p}-x`, { version: 2, status: 'running' })]);
    expect((await res.json<{ counts: { updated: number } }>()).counts.updated).toBe(1);
    const [vps] = (await (await listAs(user)).json<{ vps: CreatedVps[] }>()).vps;
    expect(vps).toMatchObject({ status: 'running', version: 2 });
  });

  it('keeps a VPS written after the main site took its list (snapshot version)', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-old`, version: 1_000 }) });
    // Created at 3000 by a sync that overtook the list, which was taken at 2000.
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-new`, version: 3_000 }) });
    const res = await sync({ action: 'reconcile', user_id: user, version: 2_000, vps: [] });
    expect(await res.json()).toMatchObject({
      counts: { deleted: 1, skipped: 1 },
      skipped: [{ external_id: `${p}-new`, reason: 'newer_than_snapshot' }],
    });
    expect((await panelSet(user)).map((v) => v.external_id)).toEqual([`${p}-new`]);
  });

  it('records a newer version even when the data is the same, so an older write cannot land later', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-v`, version: 10 }) });
    const res = await reconcile(user, [item(`${p}-v`, { version: 20 })]);
    expect((await res.json<{ counts: { updated: number } }>()).counts.updated).toBe(1);
    const late = await sync({ action: 'update', vps: { external_id: `${p}-v`, version: 15, status: 'stopped' } });
    expect(await late.json()).toMatchObject({ applied: false, outcome: 'stale', vps: { version: 20, status: 'creating' } });
    const again = await reconcile(user, [item(`${p}-v`, { version: 20 })]);
    expect((await again.json<{ counts: { unchanged: number } }>()).counts.unchanged).toBe(1);
  });

  it('keeps the stored status of an item sent without one, and starts a new one as creating', async () => {
    const user = freshUser();
    const p = freshPrefix();
    expect((await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-a`, status: 'running' }) })).status).toBe(201);
    const { status: _status, ...withoutStatus } = item(`${p}-a`);
    const { status: _new, ...newWithoutStatus } = item(`${p}-b`);

    for (const dry_run of [true, false]) {
      const res = await reconcile(user, [withoutStatus, newWithoutStatus], dry_run);
      expect(await res.json()).toMatchObject({ counts: { created: 1, updated: 0, unchanged: 1, deleted: 0, skipped: 0 } });
    }
    expect((await panelSet(user)).map(({ external_id, status }) => [external_id, status])).toEqual([
      [`${p}-a`, 'running'],
      [`${p}-b`, 'creating'],
    ]);
    // Another field changed without a status: updated, the status still kept.
    const res = await reconcile(user, [{ ...withoutStatus, cpu: 8 }, newWithoutStatus]);
    expect(await res.json()).toMatchObject({ counts: { updated: 1, unchanged: 1 } });
    expect((await panelSet(user))[0]).toMatchObject({ status: 'running', cpu: 8 });
  });

  it('empties the panel for an empty main-site set', async () => {
    const user = freshUser();
    const p = freshPrefix();
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-1` }) });
    await sync({ action: 'create', vps: validVps(user, { external_id: `${p}-2` }) });
    const res = await reconcile(user, []);
    expect((await res.json<{ counts: { deleted: number } }>()).counts.deleted).toBe(2);
    expect(await panelSet(user)).toEqual([]);
  });

  it('refuses a malformed batch whole, naming each problem', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const { external_id: _missing, ...noExternalId } = item(`${p}-y`);
    const res = await reconcile(user, [item(`${p}-x`, { cpu: 0 }), noExternalId]);
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([
      { field: 'vps.0.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.1.external_id', message: 'is required' },
    ]);

    // Each repeat is named where it is, with the external_id and where it was listed first.
    const twice = await reconcile(user, [item(`${p}-x`), item(`${p}-y`), item(`${p}-x`, { cpu: 0 }), item(`${p}-y`), item(`${p}-x`)]);
    expect((await errorBody(twice)).errors).toEqual([
      { field: 'vps.2.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.2.external_id', message: `"${p}-x" is already listed as vps.0.external_id` },
      { field: 'vps.3.external_id', message: `"${p}-y" is already listed as vps.1.external_id` },
      { field: 'vps.4.external_id', message: `"${p}-x" is already listed as vps.0.external_id` },
    ]);

    const { hypervisor: _dropped, ...noHypervisor } = item(`${p}-z`);
    const missing = await reconcile(user, [noHypervisor]);
    expect((await errorBody(missing)).errors).toEqual([{ field: 'vps.0.hypervisor', message: 'is required' }]);

    const tooMany = await reconcile(user, Array.from({ length: 201 }, (_, i) => ({ external_id: `${i}` })));
    expect(tooMany.status).toBe(400);
    expect((await errorBody(tooMany)).errors).toContainEqual({ field: 'vps', message: 'must list at most 200 VPS per request' });

    const noUser = await sync({ action: 'reconcile', vps: [] });
    expect((await errorBody(noUser)).errors).toEqual([{ field: 'user_id', message: 'is required' }]);
    expect(await panelSet(user)).toEqual([]);
  });

  it('reconciles a full batch of 200 within the body limit', async () => {
    const user = freshUser();
    const p = freshPrefix();
    const items = Array.from({ length: 200 }, (_, i) => item(`${p}-${i}`, { name: `vps-${i}` }));
    const res = await reconcile(user, items);
    expect(res.status).toBe(200);
    expect((await res.json<{ counts: { created: number } }>()).counts.created).toBe(200);
    const page = await (await listAs(user, '?limit=100')).json<{ vps: unknown[]; next_cursor: string }>();
    expect(page.vps).toHaveLength(100);
    expect(page.next_cursor).not.toBeNull();
  });
});
