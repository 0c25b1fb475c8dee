import { describe, expect, it } from 'vitest';
import { call, freshUser, listAs, sync, tokenFor, validVps } from './helpers.js';

/** Valid text that stores have mangled before, or could: each must come back exactly as sent. */
const TEXTS = [
  'Ünïcödé',
  'e\u0301 combining',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral',
  '👩‍💻 joined emoji',
  'שלום RTL',
  'line\u2028separator\u2029',
  '\u00a0nbsp\u00a0',
  '  spaced  ',
  'Альт Линукс 10',
  'x'.repeat(99) + '🚀',
];

describe('text is kept exactly', () => {
  it.each(TEXTS)('stores %j as the create answered it, for every later read and reconcile', async (text) => {
    const user = freshUser();
    const externalId = `text-${user}`;
    const created = await sync({ action: 'create', vps: validVps(user, { name: text, os: text, external_id: externalId, version: 1 }) });
    expect(created.status).toBe(201);
    const answered = (await created.json<{ vps: { id: number; name: string; os: string } }>()).vps;
    expect(answered).toMatchObject({ name: text, os: text });

    const one = await call(`/api/vps/${answered.id}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect((await one.json<{ vps: { name: string; os: string } }>()).vps).toMatchObject({ name: text, os: text });
    const listed = await (await listAs(user)).json<{ vps: { name: string; os: string }[] }>();
    expect(listed.vps).toMatchObject([{ name: text, os: text }]);

    // The same data again changes nothing, however often it is sent.
    const { user_id: _user, ...item } = validVps(user, { name: text, os: text, external_id: externalId, version: 1 });
    for (let i = 0; i < 2; i++) {
      const again = await sync({ action: 'reconcile', user_id: user, vps: [item] });
      expect((await again.json<{ counts: { unchanged: number; updated: number } }>()).counts).toMatchObject({ unchanged: 1, updated: 0 });
    }
  });
});
