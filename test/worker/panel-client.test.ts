import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createPanelClient, PanelAuthError, PanelNotFoundError, PanelValidationError } from '../../packages/panel/index.js';
import { BASE, createVps, freshUser, signToken, tokenFor } from './helpers.js';

/** The panel's client against this Worker's fetch handler, as a browser page would use it. */
const clientFor = (getToken: () => Promise<string>) =>
  createPanelClient({ baseUrl: BASE, getToken, fetch: (url, init) => exports.default.fetch(new Request(url, init)) });

describe('the panel client against the Worker', () => {
  it('lists one page, every page, filtered, and one VPS', async () => {
    const user = freshUser();
    const made = [];
    for (const status of ['running', 'stopped', 'running', 'suspended', 'running'] as const) made.push(await createVps(user, { status }));
    const client = clientFor(() => tokenFor(user));

    const first = await client.listVps({ limit: 2 });
    expect(first.vps.map((v) => v.id)).toEqual([made[4]!.id, made[3]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));

    const running: number[] = [];
    for await (const v of client.allVps({ status: 'running', limit: 2 })) running.push(v.id);
    expect(running).toEqual([made[4]!.id, made[2]!.id, made[0]!.id]);

    expect(await client.getVps(made[1]!.id)).toEqual(made[1]);
  });

  it('fails with typed errors: expired token, someone else\'s VPS, a bad filter', async () => {
    const owner = freshUser();
    const theirs = await createVps(owner);
    const expired = clientFor(() => tokenFor(freshUser(), { expiresIn: -120 }));
    await expect(expired.listVps()).rejects.toBeInstanceOf(PanelAuthError);
    const stranger = clientFor(() => signToken({ user_id: freshUser() }));
    await expect(stranger.getVps(theirs.id)).rejects.toBeInstanceOf(PanelNotFoundError);
    const error = await stranger.listVps({ status: 'exploded' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PanelValidationError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});
