import { describe, expect, it } from 'vitest';
import { call, createVps, errorBody, freshUser, listAs, sync, tokenFor } from './helpers.js';

describe('sync delete', () => {
  it('answers 200 and the VPS disappears from listings and lookups', async () => {
    const user = freshUser();
    const keep = await createVps(user, { name: 'keep' });
    const gone = await createVps(user, { name: 'gone' });

    const res = await sync({ action: 'delete', vps: { id: gone.id } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', message: 'VPS synced successfully', applied: true, outcome: 'deleted', vps: { id: gone.id } });

    const listed = await (await listAs(user)).json<{ vps: { id: number }[] }>();
    expect(listed.vps.map((v) => v.id)).toEqual([keep.id]);
    const lookup = await call(`/api/vps/${gone.id}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(lookup.status).toBe(404);
  });

  it('answers 200 "already deleted", not applied, when deleting again', async () => {
    const vps = await createVps(freshUser());
    await sync({ action: 'delete', vps: { id: vps.id } });
    const again = await sync({ action: 'delete', vps: { id: vps.id } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      status: 'success',
      message: 'VPS already deleted',
      applied: false,
      outcome: 'already_deleted',
      vps: { ...vps, updated_at: expect.any(String) },
    });
  });

  it('answers 404 for an id that never existed', async () => {
    const res = await sync({ action: 'delete', vps: { id: 4_100_000_000 } });
    expect(res.status).toBe(404);
    expect((await errorBody(res)).message).toBe('VPS 4100000000 not found');
  });

  it('keeps a deleted VPS deleted when a late update arrives', async () => {
    const user = freshUser();
    const vps = await createVps(user);
    await sync({ action: 'delete', vps: { id: vps.id } });
    const late = await sync({ action: 'update', vps: { id: vps.id, status: 'running' } });
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ message: 'VPS already deleted', applied: false, vps: { id: vps.id, status: 'creating' } });
    expect((await (await listAs(user)).json<{ vps: unknown[] }>()).vps).toEqual([]);
  });
});
