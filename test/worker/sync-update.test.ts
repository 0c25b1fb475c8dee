import { describe, expect, it } from 'vitest';
import { createVps, errorBody, freshUser, listAs, sync } from './helpers.js';

describe('sync update', () => {
  it('changes the status alone and answers 200 with the full updated VPS', async () => {
    const user = freshUser();
    const created = await createVps(user);
    await new Promise((r) => setTimeout(r, 5));
    const res = await sync({ action: 'update', vps: { id: created.id, status: 'running' } });
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; message: string; vps: typeof created }>();
    expect(body).toEqual({
      status: 'success',
      message: 'VPS synced successfully',
      applied: true,
      outcome: 'updated',
      vps: { ...created, status: 'running', updated_at: expect.any(String) },
    });
    expect(Date.parse(body.vps.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));

    const listed = await (await listAs(user)).json<{ vps: (typeof created)[] }>();
    expect(listed.vps[0]!.status).toBe('running');
  });

  it('changes any mutable field', async () => {
    const created = await createVps(freshUser());
    const patch = { name: 'renamed', cpu: 8, ram: 16384, disk: 200, os: 'Rocky Linux 9', hypervisor: 'kvm', status: 'stopped' };
    const res = await sync({ action: 'update', vps: { id: created.id, ...patch } });
    expect(res.status).toBe(200);
    expect((await res.json<{ vps: unknown }>()).vps).toMatchObject({ id: created.id, user_id: created.user_id, ...patch });
  });

  it('answers 200 for an update that changes nothing', async () => {
    const created = await createVps(freshUser(), { status: 'running' });
    const res = await sync({ action: 'update', vps: { id: created.id, status: 'running' } });
    expect(res.status).toBe(200);
    expect((await res.json<{ vps: unknown }>()).vps).toMatchObject({ id: created.id, status: 'running' });
  });

  it('answers 404 for an unknown id and writes nothing', async () => {
    const res = await sync({ action: 'update', vps: { id: 4_000_000_000, status: 'running' } });
    expect(res.status).toBe(404);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'not_found',
      message: 'VPS 4000000000 not found',
      errors: [{ field: 'vps.id', message: 'no such VPS' }],
      request_id: res.headers.get('X-Request-Id'),
    });
  });

  it('cannot move a VPS to another owner', async () => {
    const created = await createVps(freshUser());
    const res = await sync({ action: 'update', vps: { id: created.id, user_id: freshUser() } });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([
      { field: 'vps.user_id', message: 'is not a known field' },
      { field: 'vps', message: 'must change at least one of: name, status, cpu, ram, disk, os, hypervisor' },
    ]);
  });

  it('rejects an update with nothing to change', async () => {
    const created = await createVps(freshUser());
    const res = await sync({ action: 'update', vps: { id: created.id } });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([
      { field: 'vps', message: 'must change at least one of: name, status, cpu, ram, disk, os, hypervisor' },
    ]);
  });
});
