import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, callWith, createVps, errorBody, freshUser, listAs, sync, syncRequest, tokenFor, validVps } from '../worker/helpers.js';
import { failStatements, mysqlDownUrl, resetStats, setFault, stats, unreachableUrl, wrongPasswordUrl } from './endpoint.js';

/**
 * The PlanetScale path under faults: the database unreachable, hanging past the timeout,
 * behind a proxy answering HTML 502, or failing with 500. Each is a 503 with Retry-After and
 * no internals; a retry after recovery succeeds; nothing is lost or duplicated.
 */
afterEach(async () => {
  await setFault('none');
  vi.restoreAllMocks();
});

const quietLogs = () => vi.spyOn(console, 'error').mockImplementation(() => {});

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('Retry-After')).toBe('5');
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({
    status: 'error',
    code: 'database_unavailable',
    message: 'Database temporarily unavailable, retry later',
    errors: [],
    request_id: res.headers.get('X-Request-Id'),
  });
  // No host, credentials, SQL or driver text in what the client sees.
  expect(text).not.toMatch(/127\.0\.0\.1|local|select|insert|update|vps`|psdb|errno|html/i);
}

const countFor = async (user: number) => (await (await listAs(user)).json<{ vps: unknown[] }>()).vps.length;

describe('PlanetScale round trips, as the endpoint counts them', () => {
  it('create is one INSERT, list and get one SELECT each, delete one UPDATE', async () => {
    const user = freshUser();
    await resetStats();
    const vps = await createVps(user);
    expect((await stats()).statements).toEqual([expect.stringMatching(/^insert into vps /i)]);

    await resetStats();
    await listAs(user);
    await call(`/api/vps/${vps.id}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    const reads = await stats();
    expect(reads.executes).toBe(2);
    expect(reads.statements.every((s) => /^select /i.test(s))).toBe(true);

    await resetStats();
    await sync({ action: 'delete', vps: { id: vps.id } });
    expect((await stats()).statements).toEqual([expect.stringMatching(/^update vps set .*deleted_at = /i)]);
  });
});

describe('PlanetScale unavailable', () => {
  it('answers 503 when nothing listens at the database address, for sync and listing alike', async () => {
    quietLogs();
    const bindings = { DATABASE_URL: unreachableUrl() };
    await expectUnavailable(await callWith(bindings, '/api/vps/sync', syncRequest({ action: 'create', vps: validVps(freshUser()) })));
    await expectUnavailable(
      await callWith(bindings, '/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } }),
    );
  });

  it('answers 503 when the database hangs past the timeout, then a retry succeeds once', async () => {
    const errors = quietLogs();
    const user = freshUser();
    await setFault('hang');
    const started = Date.now();
    await expectUnavailable(await sync({ action: 'create', vps: validVps(user) }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('PlanetScale'));

    await setFault('none');
    expect((await sync({ action: 'create', vps: validVps(user) })).status).toBe(201);
    expect(await countFor(user)).toBe(1);
  });

  it('never reports an empty list as success while the database hangs', async () => {
    quietLogs();
    const user = freshUser();
    await createVps(user);
    await setFault('hang');
    await expectUnavailable(await listAs(user));
    await setFault('none');
    expect(await countFor(user)).toBe(1);
  });

  it.each(['html502', 'error500'] as const)('answers 503 on %s, and the retry after recovery applies once', async (mode) => {
    quietLogs();
    const user = freshUser();
    const vps = await createVps(user);

    await setFault(mode, 1);
    await expectUnavailable(await sync({ action: 'update', vps: { id: vps.id, status: 'running' } }));
    const retried = await sync({ action: 'update', vps: { id: vps.id, status: 'running' } });
    expect(retried.status).toBe(200);

    await setFault(mode, 1);
    await expectUnavailable(await sync({ action: 'create', vps: validVps(user, { name: 'second' }) }));
    expect((await sync({ action: 'create', vps: validVps(user, { name: 'second' }) })).status).toBe(201);

    const listed = await (await listAs(user)).json<{ vps: { name: string; status: string }[] }>();
    expect(listed.vps.map((v) => [v.name, v.status])).toEqual([
      ['second', 'creating'],
      ['test-vps-01', 'running'],
    ]);
  });

  it('does not store a 5xx answer under an Idempotency-Key: the retry runs and creates once', async () => {
    quietLogs();
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user) };
    const key = `ps-fault-${user}`;
    await setFault('error500', 1, '^insert into vps ');
    await expectUnavailable(await sync(create, { 'Idempotency-Key': key }));

    const retry = await sync(create, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    expect((await sync(create, { 'Idempotency-Key': key })).headers.get('Idempotent-Replayed')).toBe('true');
    expect(await countFor(user)).toBe(1);
  });

  it('answers 500 without internals when the database refuses the credentials', async () => {
    const errors = quietLogs();
    // A wrong DATABASE_URL password is a misconfiguration, not an outage: 500, logged, not 503.
    const res = await callWith({ DATABASE_URL: wrongPasswordUrl() }, '/api/vps', { headers: { Authorization: `Bearer ${await tokenFor(freshUser())}` } });
    expect(res.status).toBe(500);
    const body = await errorBody(res);
    expect(body.message).toBe('Internal server error');
    expect(JSON.stringify(body)).not.toMatch(/password|127\.0\.0\.1|select/i);
    expect(errors).toHaveBeenCalled();
  });
});

describe('MySQL unreachable behind the endpoint, which answers Unavailable (errno 2002)', () => {
  it('every operation answers 503 + Retry-After, and nothing changed once MySQL is back', async () => {
    quietLogs();
    const user = freshUser();
    const vps = await createVps(user, { external_id: `down-${user}`, version: 1 });
    const down = { DATABASE_URL: mysqlDownUrl() };
    const bearer = { headers: { Authorization: `Bearer ${await tokenFor(user)}` } };
    const requests: [string, RequestInit][] = [
      ['/api/vps/sync', syncRequest({ action: 'create', vps: validVps(user, { external_id: `down-new-${user}` }) })],
      ['/api/vps/sync', syncRequest({ action: 'update', vps: { external_id: `down-${user}`, status: 'running', version: 2 } })],
      ['/api/vps/sync', syncRequest({ action: 'delete', vps: { id: vps.id, version: 3 } })],
      ['/api/vps/sync', syncRequest({ action: 'reconcile', user_id: user, vps: [] })],
      ['/api/vps/sync', syncRequest({ action: 'create', vps: validVps(user) }, { 'Idempotency-Key': `down-key-${user}` })],
      ['/api/vps', bearer],
      [`/api/vps/${vps.id}`, bearer],
    ];
    for (const [path, init] of requests) await expectUnavailable(await callWith(down, path, init));

    const listed = await (await listAs(user)).json<{ vps: { id: number; status: string; version: number }[] }>();
    expect(listed.vps.map((v) => [v.id, v.status, v.version])).toEqual([[vps.id, 'creating', 1]]);
  });
});

/**
 * One row of src/store/planetscale/errors.ts per case: the endpoint answers the statement with
 * that MySQL error as vttablet would, and the Worker answers 503 + Retry-After or 500. Each case
 * faults only its own user's statements, so tests running alongside are not hit.
 */
describe('the failure table, as HTTP answers', () => {
  const listFailingWith = async (errno: number, code?: string) => {
    const user = freshUser();
    // The listing's SQL is the store's own (src/store/shared/read-sql.ts): identifiers unquoted.
    await failStatements(errno, { count: 1, code, match: `user_id\`? = ${user}\\b` });
    return listAs(user);
  };

  it.each([
    [2002, "can't connect (socket)"],
    [2003, "can't connect (TCP)"],
    [2006, 'server gone away'],
    [2013, 'lost connection'],
    [1053, 'server shutdown'],
    [1040, 'too many connections'],
    [1203, 'user has too many connections'],
    [1205, 'lock wait timeout'],
    [1213, 'deadlock'],
    [1969, 'statement time exceeded (MariaDB)'],
    [3024, 'statement time exceeded (MySQL)'],
    [1290, 'read-only (--read-only)'],
    [1836, 'read-only mode'],
  ])('errno %i (%s): 503 + Retry-After', async (errno) => {
    quietLogs();
    await expectUnavailable(await listFailingWith(errno));
  });

  it.each(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'ABORTED'])('code %s (vtgate, errno 1105): 503 + Retry-After', async (code) => {
    quietLogs();
    await expectUnavailable(await listFailingWith(1105, code));
  });

  it.each([
    [1062, 'duplicate entry'],
    [1064, 'syntax error'],
    [1146, 'no such table'],
    [1142, 'permission denied'],
    [1105, 'unknown error'],
  ])('errno %i (%s): 500 without internals', async (errno) => {
    const errors = quietLogs();
    const res = await listFailingWith(errno);
    expect(res.status).toBe(500);
    expect(res.headers.get('Retry-After')).toBeNull();
    expect((await errorBody(res)).message).toBe('Internal server error');
    expect(errors).toHaveBeenCalled();
  });

  it('a create whose INSERT hits a deadlock answers 503, and its retry creates once', async () => {
    quietLogs();
    const user = freshUser();
    const create = { action: 'create', vps: validVps(user, { external_id: `deadlock-${user}` }) };
    await failStatements(1213, { count: 1, match: `^insert into vps .*deadlock-${user}` });
    await expectUnavailable(await sync(create));
    expect((await sync(create)).status).toBe(201);
    expect((await sync(create)).status).toBe(200);
    expect(await countFor(user)).toBe(1);
  });
});
