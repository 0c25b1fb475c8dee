import { describe, expect, it } from 'vitest';
import { createVps, freshUser, listAs, sync, validVps } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('sync create', () => {
  it('stores the VPS and answers 201 in the documented envelope', async () => {
    const user = freshUser();
    const res = await sync({ action: 'create', vps: validVps(user) });
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    const body = await res.json<{ status: string; message: string; vps: Record<string, unknown> }>();
    expect(body).toEqual({
      status: 'success',
      message: 'VPS synced successfully',
      applied: true,
      outcome: 'created',
      vps: {
        id: expect.any(Number),
        user_id: user,
        external_id: null,
        name: 'test-vps-01',
        status: 'creating',
        cpu: 2,
        ram: 2048,
        disk: 50,
        os: 'Ubuntu 22.04 LTS',
        hypervisor: 'proxmox',
        version: 0,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
    });
    expect(body.vps.created_at).toBe(body.vps.updated_at);

    const listed = await (await listAs(user)).json<{ vps: unknown[] }>();
    expect(listed.vps).toEqual([body.vps]);
  });

  it('defaults status to "creating"', async () => {
    const { status: _omitted, ...withoutStatus } = validVps(freshUser());
    const res = await sync({ action: 'create', vps: withoutStatus });
    expect(res.status).toBe(201);
    expect((await res.json<{ vps: { status: string } }>()).vps.status).toBe('creating');
  });

  it('accepts every documented status and hypervisor', async () => {
    const user = freshUser();
    const statuses = ['creating', 'running', 'stopped', 'suspended'];
    const hypervisors = ['proxmox', 'vmware', 'hyperv', 'kvm', 'xen'];
    for (const [i, hypervisor] of hypervisors.entries()) {
      const vps = await createVps(user, { hypervisor, status: statuses[i % statuses.length] });
      expect(vps.hypervisor).toBe(hypervisor);
      expect(vps.status).toBe(statuses[i % statuses.length]);
    }
  });

  it('gives every create its own increasing id', async () => {
    const user = freshUser();
    const a = await createVps(user);
    const b = await createVps(user);
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('round-trips Cyrillic and emoji names and values at the upper bounds', async () => {
    const name = 'Сервер 🚀'.padEnd(100, 'я');
    const vps = await createVps(freshUser(), { name, os: 'Debian 12 «bookworm» 🐧', cpu: 1024, ram: 4_194_304, disk: 1_048_576 });
    expect(vps).toMatchObject({ name, os: 'Debian 12 «bookworm» 🐧', cpu: 1024, ram: 4_194_304, disk: 1_048_576 });
  });

  it('counts a 100-emoji name as 100 characters, as the VARCHAR(100) column does', async () => {
    const name = '🚀'.repeat(100);
    expect((await createVps(freshUser(), { name })).name).toBe(name);
    const res = await sync({ action: 'create', vps: validVps(freshUser(), { name: name + '🚀' }) });
    expect(res.status).toBe(400);
  });
});
