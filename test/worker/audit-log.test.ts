import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TEST_BINDINGS, TEST_PREVIOUS_SIGNING_SECRET, TEST_SIGNING_SECRET } from '../bindings.js';
import { signatureHeaders } from '../signing.js';
import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../src/app.js';
import { storesFor } from '../../src/store/select.js';
import { assertDocumented } from './conformance.js';
import { BASE, callWith, createVps, freshUser, syncRequest, tokenFor, validVps } from './helpers.js';
import { configuredDatabase, storeWithWriteBetweenReadAndWrite } from './round-trips.js';

/** Every line the Worker wrote to the console during a test, parsed (each must be one JSON object). */
let spies: MockInstance[] = [];
function lines(): Record<string, unknown>[] {
  return spies.flatMap((spy) => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>));
}
const linesOf = (res: Response) => lines().filter((l) => l.request_id === res.headers.get('X-Request-Id'));

beforeEach(() => {
  spies = (['log', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
});
afterEach(() => {
  for (const spy of spies) spy.mockRestore();
});

const PREVIOUS_KEY = 'previous-key-0123456789abcdef0123456789abcdef';
const ROTATING = { VPS_SYNC_API_KEY_PREVIOUS: PREVIOUS_KEY, VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET, VPS_SYNC_SIGNING_SECRET_PREVIOUS: TEST_PREVIOUS_SIGNING_SECRET };

async function syncAs(body: unknown, { key = TEST_BINDINGS.VPS_SYNC_API_KEY, signWith }: { key?: string; signWith?: string } = {}) {
  const text = JSON.stringify(body);
  const signed = signWith ? await signatureHeaders(text, { secrets: [signWith] }) : {};
  return callWith(ROTATING, '/api/vps/sync', syncRequest(text, { 'X-API-Key': key, ...signed }));
}

describe('the audit trail of sync', () => {
  it('writes one line per change: action, outcome, VPS, user, version, which key, whether signed', async () => {
    const user = freshUser();
    const external_id = `audit-${crypto.randomUUID()}`;
    const created = await syncAs({ action: 'create', vps: validVps(user, { external_id, version: 5 }) });
    expect(created.status).toBe(201);
    const { vps } = await created.json<{ vps: { id: number } }>();
    expect(linesOf(created).filter((l) => l.msg === 'vps sync')).toEqual([
      {
        level: 'info',
        msg: 'vps sync',
        request_id: created.headers.get('X-Request-Id'),
        action: 'create',
        outcome: 'created',
        applied: true,
        vps_id: vps.id,
        external_id,
        user_id: user,
        version: 5,
        stored_version: 5,
        api_key: 'current',
        signed: false,
      },
    ]);

    const updated = await syncAs({ action: 'update', vps: { external_id, status: 'running', version: 6 } }, { key: PREVIOUS_KEY, signWith: TEST_SIGNING_SECRET });
    expect(updated.status).toBe(200);
    expect(linesOf(updated).find((l) => l.msg === 'vps sync')).toMatchObject({
      action: 'update',
      outcome: 'updated',
      applied: true,
      vps_id: vps.id,
      external_id,
      user_id: user,
      version: 6,
      api_key: 'previous',
      signed: true,
      signing_secret: 'current',
    });

    const stale = await syncAs({ action: 'update', vps: { id: vps.id, status: 'stopped', version: 6 } }, { signWith: TEST_PREVIOUS_SIGNING_SECRET });
    expect(linesOf(stale).find((l) => l.msg === 'vps sync')).toMatchObject({ action: 'update', outcome: 'stale', applied: false, api_key: 'current', signed: true, signing_secret: 'previous' });

    // A declined event keeps the version it came with; the VPS's own is beside it.
    const late = await syncAs({ action: 'update', vps: { id: vps.id, status: 'stopped', version: 3 } });
    expect(linesOf(late).find((l) => l.msg === 'vps sync')).toMatchObject({ outcome: 'stale', applied: false, version: 3, stored_version: 6 });
    const replayed = await syncAs({ action: 'create', vps: validVps(user, { external_id, version: 5 }) });
    expect(linesOf(replayed).find((l) => l.msg === 'vps sync')).toMatchObject({ action: 'create', outcome: 'replayed', version: 5, stored_version: 6 });

    const deleted = await syncAs({ action: 'delete', vps: { id: vps.id, version: 7 } });
    expect(linesOf(deleted).find((l) => l.msg === 'vps sync')).toMatchObject({ action: 'delete', outcome: 'deleted', applied: true, vps_id: vps.id, version: 7, stored_version: 7, api_key: 'current', signed: false });
    const again = await syncAs({ action: 'delete', vps: { id: vps.id, version: 15 } });
    expect(linesOf(again).find((l) => l.msg === 'vps sync')).toMatchObject({ outcome: 'already_deleted', applied: false, version: 15, stored_version: 7 });
  });

  it('writes a summary line per reconcile with its counts', async () => {
    const user = freshUser();
    const res = await syncAs({ action: 'reconcile', user_id: user, vps: [{ ...validVps(user, { external_id: `rec-${crypto.randomUUID()}` }), user_id: undefined }] });
    expect(res.status).toBe(200);
    expect(linesOf(res).filter((l) => l.msg === 'vps reconcile')).toEqual([
      {
        level: 'info',
        msg: 'vps reconcile',
        request_id: res.headers.get('X-Request-Id'),
        action: 'reconcile',
        user_id: user,
        dry_run: false,
        version: null,
        counts: { created: 1, updated: 0, deleted: 0, unchanged: 0, skipped: 0, untracked: 0 },
        skipped: 0,
        api_key: 'current',
        signed: false,
      },
    ]);
  });

  it('writes no change line for a refused request', async () => {
    const res = await syncAs({ action: 'update', vps: { id: 999_999_999, status: 'running' } });
    expect(res.status).toBe(404);
    expect(linesOf(res).map((l) => l.msg)).toEqual(['request']);
  });
});

describe('the audit trail of reconcile', () => {
  const changeLines = (res: Response) => linesOf(res).filter((l) => l.msg === 'vps sync');
  const summaryOf = (res: Response) => linesOf(res).find((l) => l.msg === 'vps reconcile');
  /** Its change lines agree with its counts: one line per created, updated and deleted VPS. */
  function expectLinesMatchCounts(res: Response) {
    const counts = summaryOf(res)!.counts as Record<string, number>;
    const of = (action: string) => changeLines(res).filter((l) => l.action === action).length;
    expect({ created: of('create'), updated: of('update'), deleted: of('delete') }).toEqual({ created: counts.created, updated: counts.updated, deleted: counts.deleted });
  }
  const item = (user: number, external_id: string, overrides: Record<string, unknown> = {}) => ({ ...validVps(user, { external_id, ...overrides }), user_id: undefined });
  const idsOf = async (user: number) => {
    const res = await callWith({}, '/api/vps?limit=100', { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    const { vps } = await res.json<{ vps: { id: number; external_id: string }[] }>();
    return new Map(vps.map((v) => [v.external_id, v.id]));
  };

  it('writes one line per change it applied, as a create, update or delete line, and none for unchanged or skipped VPS', async () => {
    const user = freshUser();
    const p = `ra-${crypto.randomUUID()}`;
    const gone = await createVps(user, { external_id: `${p}-gone`, version: 1 });
    for (const e of ['upd1', 'upd2', 'same']) await createVps(user, { external_id: `${p}-${e}`, version: 1 });
    await createVps(user, { external_id: `${p}-stale`, version: 5 });
    await createVps(freshUser(), { external_id: `${p}-theirs` });

    const res = await syncAs(
      {
        action: 'reconcile',
        user_id: user,
        version: 10,
        vps: [
          ...['new1', 'new2', 'new3'].map((e) => item(user, `${p}-${e}`, { version: 10 })),
          item(user, `${p}-upd1`, { name: 'renamed', version: 10 }),
          item(user, `${p}-upd2`, { status: 'running', version: 10 }),
          item(user, `${p}-same`, { version: 1 }),
          item(user, `${p}-stale`, { name: 'older', version: 3 }),
          item(user, `${p}-theirs`),
        ],
      },
      { key: PREVIOUS_KEY, signWith: TEST_SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    // The changes are for the log: the answer keeps its documented shape.
    expect(Object.keys(await res.json())).toEqual(['status', 'message', 'dry_run', 'counts', 'skipped']);

    const ids = await idsOf(user);
    const line = (action: string, outcome: string, external_id: string, vps_id: number | undefined, version: number) => ({
      level: 'info',
      msg: 'vps sync',
      request_id: res.headers.get('X-Request-Id'),
      action,
      outcome,
      applied: true,
      vps_id,
      external_id,
      user_id: user,
      version,
      via: 'reconcile',
      api_key: 'previous',
      signed: true,
      signing_secret: 'current',
    });
    expect(changeLines(res)).toEqual([
      line('create', 'created', `${p}-new1`, ids.get(`${p}-new1`), 10),
      line('create', 'created', `${p}-new2`, ids.get(`${p}-new2`), 10),
      line('create', 'created', `${p}-new3`, ids.get(`${p}-new3`), 10),
      line('update', 'updated', `${p}-upd1`, ids.get(`${p}-upd1`), 10),
      line('update', 'updated', `${p}-upd2`, ids.get(`${p}-upd2`), 10),
      line('delete', 'deleted', `${p}-gone`, gone.id, 1),
    ]);
    expect(summaryOf(res)).toMatchObject({
      action: 'reconcile',
      user_id: user,
      dry_run: false,
      version: 10,
      counts: { created: 3, updated: 2, deleted: 1, unchanged: 1, skipped: 2, untracked: 0 },
      skipped: 2,
      api_key: 'previous',
      signed: true,
    });
    expectLinesMatchCounts(res);
  });

  it('writes the lines of each page of a paged reconcile with its page, the deletes only at the final page', async () => {
    const user = freshUser();
    const p = `rp-${crypto.randomUUID()}`;
    const old = await createVps(user, { external_id: `${p}-old`, version: 1 });
    const keep = await createVps(user, { external_id: `${p}-keep`, version: 1 });
    const run = { reconcile_id: `${p}-run`, number: 1, final: false };
    const send = (vps: unknown[], page: typeof run) => syncAs({ action: 'reconcile', user_id: user, version: 10, vps, page });

    const first = await send([item(user, `${p}-new1`, { version: 10 }), item(user, `${p}-new2`, { version: 10 })], run);
    expect(first.status).toBe(200);
    const last = await send([item(user, `${p}-keep`, { name: 'renamed', version: 10 }), item(user, `${p}-new3`, { version: 10 })], { ...run, number: 2, final: true });
    expect(last.status).toBe(200);

    const ids = await idsOf(user);
    const change = (action: string, external_id: string, vps_id: number | undefined, version: number, page: typeof run) =>
      expect.objectContaining({ action, outcome: `${action}d`, applied: true, vps_id, external_id, user_id: user, version, via: 'reconcile', page });
    expect(changeLines(first)).toEqual([change('create', `${p}-new1`, ids.get(`${p}-new1`), 10, run), change('create', `${p}-new2`, ids.get(`${p}-new2`), 10, run)]);
    const final = { ...run, number: 2, final: true };
    expect(changeLines(last)).toEqual([
      change('create', `${p}-new3`, ids.get(`${p}-new3`), 10, final),
      change('update', `${p}-keep`, keep.id, 10, final),
      change('delete', `${p}-old`, old.id, 1, final),
    ]);
    expect(summaryOf(first)).toMatchObject({ action: 'reconcile', page: run, counts: { created: 2, deleted: 0 } });
    expect(summaryOf(last)).toMatchObject({ action: 'reconcile', page: final, counts: { created: 1, updated: 1, deleted: 1 } });
    for (const res of [first, last]) expectLinesMatchCounts(res);
  });

  it('writes no change line for a dry run, only its summary', async () => {
    const user = freshUser();
    const p = `rd-${crypto.randomUUID()}`;
    await createVps(user, { external_id: `${p}-gone` });
    await createVps(user, { external_id: `${p}-upd` });
    const res = await syncAs({ action: 'reconcile', user_id: user, dry_run: true, vps: [item(user, `${p}-new`), item(user, `${p}-upd`, { name: 'renamed' })] });
    expect(res.status).toBe(200);
    expect(changeLines(res)).toEqual([]);
    expect(summaryOf(res)).toMatchObject({ dry_run: true, counts: { created: 1, updated: 1, deleted: 1 } });
  });

  it('writes no line for a change that lost to a concurrent newer write', async () => {
    const user = freshUser();
    const p = `rr-${crypto.randomUUID()}`;
    const kept = await createVps(user, { external_id: `${p}-kept`, version: 10 });
    const { kind } = configuredDatabase();
    const database = storesFor(configuredDatabase());
    // A newer update of the VPS the reconcile plans to update, landing between its read and its write.
    const { store: racing, settled } = storeWithWriteBetweenReadAndWrite(() => database.vps.update({ id: kept.id }, { name: 'concurrent' }, 100));
    const app = createApp({ stores: () => ({ ...database, vps: racing }) });
    const body = { action: 'reconcile', user_id: user, vps: [item(user, `${p}-kept`, { name: 'from-reconcile', version: 20 }), item(user, `${p}-new`, { version: 20 })] };
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/api/vps/sync`, syncRequest(body)), env, ctx);
    await waitOnExecutionContext(ctx);
    await assertDocumented('POST', `${BASE}/api/vps/sync`, res);
    expect(res.status).toBe(200);
    expect((await settled()).outcome).toBe('updated');

    const actions = changeLines(res).map((l) => `${l.action} ${l.external_id}`);
    if (kind === 'd1') {
      // No locking read on D1: the concurrent update lands first and wins; the reconcile's update is no change.
      expect(actions).toEqual([`create ${p}-new`]);
      expect(summaryOf(res)).toMatchObject({ counts: { created: 1, updated: 0, skipped: 1 }, skipped: 1 });
    } else {
      // PlanetScale's locking read makes the concurrent update wait: the reconcile's update applied first.
      expect(actions).toEqual([`create ${p}-new`, `update ${p}-kept`]);
      expect(summaryOf(res)).toMatchObject({ counts: { created: 1, updated: 1, skipped: 0 } });
    }
    expectLinesMatchCounts(res);
  });
});

describe('the line every request ends with', () => {
  it('says method, path, status, duration and who asked, once per request', async () => {
    const user = freshUser();
    const listed = await callWith({}, '/api/vps?limit=5', { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(linesOf(listed)).toEqual([
      { level: 'info', msg: 'request', request_id: listed.headers.get('X-Request-Id'), method: 'GET', path: '/api/vps', status: 200, duration_ms: expect.any(Number), user_id: user },
    ]);

    const synced = await syncAs({ action: 'create', vps: validVps(freshUser()) }, { key: PREVIOUS_KEY, signWith: TEST_PREVIOUS_SIGNING_SECRET });
    expect(linesOf(synced).filter((l) => l.msg === 'request')).toEqual([
      {
        level: 'info',
        msg: 'request',
        request_id: synced.headers.get('X-Request-Id'),
        method: 'POST',
        path: '/api/vps/sync',
        status: 201,
        duration_ms: expect.any(Number),
        api_key: 'previous',
        signed: true,
        signing_secret: 'previous',
      },
    ]);
  });

  it('carries the error code of an error answer', async () => {
    const unauthorized = await callWith({}, '/api/vps/sync', syncRequest('{}', { 'X-API-Key': 'x'.repeat(40) }));
    expect(linesOf(unauthorized)).toEqual([expect.objectContaining({ msg: 'request', status: 401, code: 'unauthorized', path: '/api/vps/sync' })]);
    const missing = await callWith({}, '/nope');
    expect(linesOf(missing)).toEqual([expect.objectContaining({ msg: 'request', method: 'GET', path: '/nope', status: 404, code: 'not_found' })]);
  });

  it('is an error line for a 5xx answer, next to the line saying why', async () => {
    const res = await callWith({ VPS_SYNC_API_KEY: undefined }, '/api/vps/sync', syncRequest('{}'));
    expect(res.status).toBe(500);
    expect(linesOf(res).map((l) => [l.level, l.msg])).toEqual([
      ['error', 'misconfigured'],
      ['error', 'request'],
    ]);
    expect(linesOf(res)[1]).toMatchObject({ status: 500, code: 'misconfigured' });
  });

  it('leaves the query string out', async () => {
    const res = await callWith({}, '/api/vps?status=running&cursor=abc', { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } });
    expect(JSON.stringify(linesOf(res))).not.toContain('running');
  });
});

describe('every log line', () => {
  it('is one JSON object starting with level, msg and request_id', async () => {
    await syncAs({ action: 'create', vps: validVps(freshUser()) }, { signWith: TEST_SIGNING_SECRET });
    await callWith({}, '/health');
    const all = lines();
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const line of all) expect(Object.keys(line).slice(0, 3)).toEqual(['level', 'msg', 'request_id']);
    const raw = spies.flatMap((spy) => spy.mock.calls.map(([line]) => String(line)));
    for (const secret of [TEST_BINDINGS.VPS_SYNC_API_KEY, PREVIOUS_KEY, TEST_SIGNING_SECRET]) expect(raw.join('\n')).not.toContain(secret);
  });
});
