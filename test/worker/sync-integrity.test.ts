import { describe, expect, it } from 'vitest';
import { errorBody, freshUser, listAs, sync, validVps, type CreatedVps } from './helpers.js';

interface SyncBody {
  status: string;
  message: string;
  applied: boolean;
  vps: CreatedVps;
}

let lastExternal = 0;
const freshExternalId = () => `ms-${Date.now()}-${++lastExternal}`;
const listed = async (user: number) => (await (await listAs(user)).json<{ vps: CreatedVps[] }>()).vps;

describe('external_id: a retried create never duplicates', () => {
  it('answers the same create twice with one VPS: 201, then 200 not applied', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId() }) };
    const first = await sync(create);
    expect(first.status).toBe(201);
    const firstBody = await first.json<SyncBody>();
    expect(firstBody).toMatchObject({ applied: true, vps: { external_id: create.vps.external_id } });

    const again = await sync(create);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'success', message: 'VPS already synced', applied: false, outcome: 'replayed', vps: firstBody.vps });
    expect(await listed(user)).toEqual([firstBody.vps]);
  });

  it('makes exactly one row from 50 identical creates sent in parallel', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId() }) };
    const answers = await Promise.all(Array.from({ length: 50 }, () => sync(create)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const bodies = await Promise.all(answers.map((r) => r.json<SyncBody>()));
    expect(new Set(bodies.map((b) => b.vps.id)).size).toBe(1);
    expect(await listed(user)).toHaveLength(1);
  });

  it('answers 409 for the same external_id with a different payload, and changes nothing', async () => {
    const user = freshUser();
    const externalId = freshExternalId();
    const original = await (await sync({ action: 'create', vps: validVps(user, { external_id: externalId }) })).json<SyncBody>();
    const res = await sync({ action: 'create', vps: validVps(user, { external_id: externalId, cpu: 16 }) });
    expect(res.status).toBe(409);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'external_id_conflict',
      message: `external_id "${externalId}" already belongs to VPS ${original.vps.id} with different data; send an update to change it`,
      errors: [{ field: 'vps.external_id', message: 'already used with a different payload' }],
      request_id: res.headers.get('X-Request-Id'),
    });
    expect(await listed(user)).toEqual([original.vps]);
  });

  it('still recognises a replayed create after the VPS was updated', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId() }) };
    await sync(create);
    await sync({ action: 'update', vps: { external_id: create.vps.external_id, status: 'running' } });
    const replay = await sync(create);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ applied: false, vps: { status: 'running' } });
  });

  it('addresses updates and deletes by external_id', async () => {
    const user = freshUser();
    const externalId = freshExternalId();
    await sync({ action: 'create', vps: validVps(user, { external_id: externalId }) });
    const updated = await sync({ action: 'update', vps: { external_id: externalId, status: 'running' } });
    expect(await updated.json()).toMatchObject({ applied: true, vps: { external_id: externalId, status: 'running' } });

    const deleted = await sync({ action: 'delete', vps: { external_id: externalId } });
    expect(await deleted.json()).toEqual({
      status: 'success',
      message: 'VPS synced successfully',
      applied: true,
      outcome: 'deleted',
      vps: { external_id: externalId },
    });
    expect(await listed(user)).toEqual([]);

    const unknown = await sync({ action: 'update', vps: { external_id: freshExternalId(), status: 'running' } });
    expect(unknown.status).toBe(404);
    expect((await errorBody(unknown)).errors).toEqual([{ field: 'vps.external_id', message: 'no such VPS' }]);
  });

  it('refuses both id and external_id at once, and a malformed external_id', async () => {
    const both = await sync({ action: 'delete', vps: { id: 1, external_id: 'x' } });
    expect(both.status).toBe(400);
    expect((await errorBody(both)).errors).toEqual([{ field: 'vps.id', message: 'give either id or external_id (exactly one)' }]);
    for (const [externalId, message] of [
      ['', 'must not be empty'],
      ['has space', 'must be visible ASCII characters only'],
      ['я', 'must be visible ASCII characters only'],
      ['x'.repeat(65), 'must be at most 64 characters'],
    ]) {
      const res = await sync({ action: 'create', vps: validVps(freshUser(), { external_id: externalId }) });
      expect(res.status, externalId).toBe(400);
      expect((await errorBody(res)).errors).toEqual([{ field: 'vps.external_id', message }]);
    }
  });
});

describe('version: late events never win', () => {
  it('applies versions 1..20 sent in random order and in parallel so that 20 wins', async () => {
    const user = freshUser();
    const created = await (await sync({ action: 'create', vps: validVps(user, { version: 1, name: 'v1' }) })).json<SyncBody>();
    const versions = Array.from({ length: 19 }, (_, i) => i + 2).sort(() => Math.random() - 0.5);
    const answers = await Promise.all(
      versions.map((v) => sync({ action: 'update', vps: { id: created.vps.id, version: v, name: `v${v}`, cpu: v } })),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const [final] = await listed(user);
    expect(final).toMatchObject({ name: 'v20', cpu: 20, version: 20 });
  });

  it('answers a stale write with 200, not applied, and the current VPS', async () => {
    const user = freshUser();
    const created = await (await sync({ action: 'create', vps: validVps(user, { version: 100 }) })).json<SyncBody>();
    await sync({ action: 'update', vps: { id: created.vps.id, version: 300, status: 'running' } });

    const late = await sync({ action: 'update', vps: { id: created.vps.id, version: 200, status: 'creating' } });
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({
      message: 'Not applied: the stored version is newer or the same',
      applied: false,
      outcome: 'stale',
      vps: { id: created.vps.id, status: 'running', version: 300 },
    });

    const lateDelete = await sync({ action: 'delete', vps: { id: created.vps.id, version: 250 } });
    expect(await lateDelete.json()).toMatchObject({ applied: false, vps: { status: 'running' } });
    expect(await listed(user)).toHaveLength(1);
  });

  it('applies the same create sent again with a newer version as an update of that version, so an older update cannot win after it', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId(), version: 100 }) };
    const created = await (await sync(create)).json<SyncBody>();

    // The same version again is a plain replay: nothing changes.
    const retried = await sync(create);
    expect(await retried.json()).toMatchObject({ applied: false, outcome: 'replayed', vps: { version: 100 } });

    const newer = await sync({ ...create, vps: { ...create.vps, version: 200 } });
    expect(newer.status).toBe(200);
    const newerBody = await newer.json<SyncBody & { outcome: string }>();
    expect(newerBody).toMatchObject({ message: 'VPS synced successfully', applied: true, outcome: 'updated', vps: { id: created.vps.id, version: 200 } });

    const late = await sync({ action: 'update', vps: { external_id: create.vps.external_id, status: 'running', version: 150 } });
    expect(await late.json()).toMatchObject({ applied: false, outcome: 'stale', vps: { status: 'creating', version: 200 } });
    // An older create again changes nothing either.
    expect(await (await sync(create)).json()).toMatchObject({ applied: false, outcome: 'replayed', vps: { version: 200 } });
    expect(await listed(user)).toEqual([newerBody.vps]);
  });

  it('brings an updated VPS back to the create it was made from when that create comes with a newer version', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId(), version: 1 }) };
    await sync(create);
    await sync({ action: 'update', vps: { external_id: create.vps.external_id, status: 'running', cpu: 8, version: 2 } });
    const again = await sync({ ...create, vps: { ...create.vps, version: 3 } });
    expect(await again.json()).toMatchObject({ applied: true, outcome: 'updated', vps: { status: 'creating', cpu: 2, version: 3 } });
  });

  it('lets writes without a version win as last writer', async () => {
    const created = await (await sync({ action: 'create', vps: validVps(freshUser(), { version: 5 }) })).json<SyncBody>();
    const res = await sync({ action: 'update', vps: { id: created.vps.id, status: 'stopped' } });
    expect(await res.json()).toMatchObject({ applied: true, vps: { status: 'stopped', version: 5 } });
  });

  it('refuses a version that is not a positive safe integer', async () => {
    for (const version of [0, -1, 1.5, '7', 2 ** 53]) {
      const res = await sync({ action: 'update', vps: { id: 1, version, status: 'running' } });
      expect(res.status, String(version)).toBe(400);
      expect((await errorBody(res)).errors[0]!.field).toBe('vps.version');
    }
  });
});

describe('tombstones: deletes stay deleted', () => {
  it('answers a create with other data for a deleted VPS\'s external_id 409, without advising an update', async () => {
    const user = freshUser();
    const externalId = freshExternalId();
    const created = await (await sync({ action: 'create', vps: validVps(user, { external_id: externalId }) })).json<SyncBody>();
    await sync({ action: 'delete', vps: { id: created.vps.id } });
    const res = await sync({ action: 'create', vps: validVps(user, { external_id: externalId, cpu: 16 }) });
    expect(res.status).toBe(409);
    expect(await errorBody(res)).toMatchObject({
      code: 'external_id_conflict',
      message: `external_id "${externalId}" already belongs to VPS ${created.vps.id}, which was deleted, with different data; a deleted VPS stays deleted: create the new VPS with a new external_id`,
      errors: [{ field: 'vps.external_id', message: 'already used with a different payload' }],
    });
    expect(await listed(user)).toEqual([]);
  });

  it('keeps a deleted VPS deleted against late updates and replayed creates', async () => {
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: freshExternalId() }) };
    const created = await (await sync(create)).json<SyncBody>();
    await sync({ action: 'delete', vps: { id: created.vps.id } });

    const lateUpdate = await sync({ action: 'update', vps: { id: created.vps.id, status: 'running' } });
    expect(lateUpdate.status).toBe(200);
    expect(await lateUpdate.json()).toMatchObject({ message: 'VPS already deleted', applied: false, outcome: 'already_deleted' });

    const replayed = await sync(create);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ message: 'VPS already deleted', applied: false, outcome: 'already_deleted', vps: { id: created.vps.id } });

    const again = await sync({ action: 'delete', vps: { external_id: create.vps.external_id } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ message: 'VPS already deleted', applied: false });
    expect(await listed(user)).toEqual([]);
  });

  it('still answers 404 for an id that never existed', async () => {
    expect((await sync({ action: 'delete', vps: { id: 4_250_000_000 } })).status).toBe(404);
    expect((await sync({ action: 'delete', vps: { external_id: freshExternalId() } })).status).toBe(404);
  });
});
