// Integration tests for scripts/ps-http against a real MySQL/MariaDB (the login of scripts/mysql.ts,
// database `vps_sync_ps_http`), driven through the real @planetscale/database driver.
import { Client, DatabaseError, UnknownError, connect, type Config } from '@planetscale/database';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectMysql, type MysqlTarget } from '../../scripts/mysql.js';
import { startPsHttpServer, type PsHttpServer } from '../../scripts/ps-http/server.js';

const TYPES_TABLE = 'pshttp_types';
const ITEMS_TABLE = 'pshttp_items';

const DATABASE = 'vps_sync_ps_http';
let MYSQL: MysqlTarget;
let server: PsHttpServer;
let direct: mysql.Connection;

async function directCount(where = '1=1'): Promise<number> {
  const [rows] = await direct.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${ITEMS_TABLE} WHERE ${where}`);
  return Number(rows[0]?.['n']);
}

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function baseUrl(s: PsHttpServer): string {
  return `http://127.0.0.1:${s.port}`;
}

async function control(path: string, init: { method?: string; body?: unknown; auth?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = init.auth === undefined ? basic('root', 'local') : init.auth;
  if (auth !== null) headers['authorization'] = auth;
  return fetch(`${baseUrl(server)}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** A driver fetch that gives up after `ms`, the way a Worker would with a deadline. */
function fetchWithTimeout(ms: number): NonNullable<Config['fetch']> {
  return async (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(ms) } as RequestInit);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

beforeAll(async () => {
  MYSQL = await connectMysql(DATABASE);
  const { database, ...login } = MYSQL;
  const admin = await mysql.createConnection(login);
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  await admin.end();
  direct = await mysql.createConnection({ ...MYSQL, charset: 'utf8mb4' });
  // A lock left behind by a leaked transaction should fail a test quickly, not stall it for 50 s.
  await direct.query('SET SESSION innodb_lock_wait_timeout = 2');
  await direct.query(`DROP TABLE IF EXISTS ${TYPES_TABLE}, ${ITEMS_TABLE}`);
  await direct.query(`CREATE TABLE ${ITEMS_TABLE} (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    qty INT NOT NULL DEFAULT 0,
    UNIQUE KEY uniq_name (name)
  ) DEFAULT CHARSET=utf8mb4`);
  server = await startPsHttpServer({ mysql: MYSQL, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await direct?.query(`DROP TABLE IF EXISTS ${TYPES_TABLE}, ${ITEMS_TABLE}, pshttp_ddl`);
  await direct?.end();
});

beforeEach(async () => {
  server.setFault({ mode: 'none' });
  await direct.query(`TRUNCATE TABLE ${ITEMS_TABLE}`);
  server.resetStats();
});

describe('startPsHttpServer', () => {
  it('returns a loopback driver url carrying the credentials', () => {
    const url = new URL(server.url);
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(server.port);
    expect(url.username).toBe('root');
    expect(url.password).toBe('local');
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startPsHttpServer({ mysql: MYSQL, host: '0.0.0.0' })).rejects.toThrow(/non-loopback/);
  });
});

describe('type round trips', () => {
  beforeAll(async () => {
    await direct.query(`DROP TABLE IF EXISTS ${TYPES_TABLE}`);
    await direct.query(`CREATE TABLE ${TYPES_TABLE} (
      id INT NOT NULL PRIMARY KEY,
      i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u16 SMALLINT UNSIGNED,
      i24 MEDIUMINT, u24 MEDIUMINT UNSIGNED, i32 INT, u32 INT UNSIGNED,
      i64 BIGINT, u64 BIGINT UNSIGNED,
      dec_ DECIMAL(20,6), f32 FLOAT, f64 DOUBLE,
      d DATE, dt DATETIME(3), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME, yr YEAR,
      vc VARCHAR(100), tx TEXT, ch CHAR(4), en ENUM('a','b'),
      js JSON, vb VARBINARY(16), bl BLOB, bt BIT(8)
    ) DEFAULT CHARSET=utf8mb4`);
    const conn = connect({ url: server.url });
    await conn.execute(
      `INSERT INTO ${TYPES_TABLE} VALUES (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
        -9223372036854775808, 18446744073709551615, ?, 1.5, 3.141592653589793,
        '2024-02-29', '2024-02-29 13:14:15.678', '2024-02-29 13:14:15.678', '838:59:59', 2155,
        ?, ?, 'ab', 'b', ?, ?, x'deadbeef', b'10100101')`,
      ['-12345678901234.123456', 'Привет, мир 😀', 'Ёжик 🦔 в тумане', '{"k":[1,"два",{"x":null}],"emoji":"😀"}', new Uint8Array([0, 255, 16])],
    );
    await conn.execute(`INSERT INTO ${TYPES_TABLE} (id) VALUES (2)`);
  });

  it('maps column metadata to PlanetScale type names', async () => {
    const res = await connect({ url: server.url }).execute(`SELECT * FROM ${TYPES_TABLE} ORDER BY id`);
    expect(res.types).toEqual({
      id: 'INT32',
      i8: 'INT8',
      u8: 'UINT8',
      i16: 'INT16',
      u16: 'UINT16',
      i24: 'INT24',
      u24: 'UINT24',
      i32: 'INT32',
      u32: 'UINT32',
      i64: 'INT64',
      u64: 'UINT64',
      dec_: 'DECIMAL',
      f32: 'FLOAT32',
      f64: 'FLOAT64',
      d: 'DATE',
      dt: 'DATETIME',
      ts: 'TIMESTAMP',
      tm: 'TIME',
      yr: 'YEAR',
      vc: 'VARCHAR',
      tx: 'TEXT',
      ch: 'CHAR',
      en: 'ENUM',
      js: 'JSON',
      vb: 'VARBINARY',
      bl: 'BLOB',
      bt: 'BIT',
    });
    const byName = Object.fromEntries(res.fields.map((f) => [f.name, f]));
    expect(byName['vc']).toMatchObject({ table: TYPES_TABLE, orgTable: TYPES_TABLE, database: DATABASE, orgName: 'vc', charset: 45 });
    expect(byName['vb']?.charset).toBe(63);
    expect(byName['js']?.charset).toBe(63);
    expect(byName['u64']?.flags ?? 0).toBeGreaterThan(0);
    expect((byName['u64']?.flags ?? 0) & 32).toBe(32);
    expect(byName['dt']?.decimals).toBe(3);
  });

  it('yields the JS values the driver cast produces for PlanetScale', async () => {
    const res = await connect({ url: server.url }).execute(`SELECT * FROM ${TYPES_TABLE} WHERE id = 1`);
    expect(res.size).toBe(1);
    const row = res.rows[0] as Record<string, unknown>;
    expect(row).toEqual({
      id: 1,
      i8: -128,
      u8: 255,
      i16: -32768,
      u16: 65535,
      i24: -8388608,
      u24: 16777215,
      i32: -2147483648,
      u32: 4294967295,
      i64: '-9223372036854775808',
      u64: '18446744073709551615',
      dec_: '-12345678901234.123456',
      f32: 1.5,
      f64: 3.141592653589793,
      d: '2024-02-29',
      dt: '2024-02-29 13:14:15.678',
      ts: '2024-02-29 13:14:15.678',
      tm: '838:59:59',
      yr: 2155,
      vc: 'Привет, мир 😀',
      tx: 'Ёжик 🦔 в тумане',
      ch: 'ab',
      en: 'b',
      js: { k: [1, 'два', { x: null }], emoji: '😀' },
      vb: new Uint8Array([0, 255, 16]),
      bl: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      bt: new Uint8Array([0b10100101]),
    });
    expect(row['vb']).toBeInstanceOf(Uint8Array);
  });

  it('returns NULL for every column of an empty row', async () => {
    const res = await connect({ url: server.url }).execute(`SELECT * FROM ${TYPES_TABLE} WHERE id = 2`, null, { as: 'array' });
    const row = res.rows[0] as unknown[];
    expect(row[0]).toBe(2);
    expect(row.slice(1)).toEqual(new Array(res.fields.length - 1).fill(null));
  });

  it('reports NULL literals without a type, which the driver names NULL', async () => {
    const res = await connect({ url: server.url }).execute('SELECT NULL AS n, 7 AS seven, COUNT(*) AS c FROM dual');
    expect(res.types).toEqual({ n: 'NULL', seven: 'INT32', c: 'INT64' });
    expect(res.rows).toEqual([{ n: null, seven: 7, c: '1' }]);
  });

  it('runs backend sessions in UTC like PlanetScale', async () => {
    const res = await connect({ url: server.url }).execute('SELECT @@session.time_zone AS tz');
    expect(res.rows).toEqual([{ tz: '+00:00' }]);
  });

  it('round-trips utf8mb4 text through a parameter and back byte-exactly', async () => {
    const text = 'emoji 😀🦔👍🏽 кириллица Ё ё — ✓';
    const res = await connect({ url: server.url }).execute('SELECT ? AS t, CHAR_LENGTH(?) AS chars, LENGTH(?) AS bytes', [text, text, text]);
    expect(res.rows[0]).toEqual({ t: text, chars: [...text].length, bytes: Buffer.byteLength(text) });
  });
});

describe('writes', () => {
  it('reports insertId and rowsAffected as the driver expects', async () => {
    const conn = connect({ url: server.url });
    const one = await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('a', 1)`);
    expect(one.rowsAffected).toBe(1);
    expect(one.insertId).toBe('1');

    const three = await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('b', 1), ('c', 1), ('d', 2)`);
    expect(three.rowsAffected).toBe(3);
    expect(three.insertId).toBe('2');

    // PlanetScale connects with CLIENT_FOUND_ROWS: matched rows count even when unchanged.
    const unchanged = await conn.execute(`UPDATE ${ITEMS_TABLE} SET qty = 1 WHERE qty = 1`);
    expect(unchanged.rowsAffected).toBe(3);
    expect(unchanged.insertId).toBe('0');

    const deleted = await conn.execute(`DELETE FROM ${ITEMS_TABLE} WHERE qty = 2`);
    expect(deleted.rowsAffected).toBe(1);

    const select = await conn.execute(`SELECT id FROM ${ITEMS_TABLE} ORDER BY id`);
    expect(select.rowsAffected).toBe(0);
    expect(select.rows).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
  });

  it('interpolates positional and named parameters safely', async () => {
    const conn = connect({ url: server.url });
    const tricky = "O'Brien \\ \"quoted\" 😀";
    const positional = await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES (?, ?)`, [tricky, 42]);
    // The driver doubles single quotes and escapes backslashes before sending.
    expect(positional.statement).toBe(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('O''Brien \\\\ \\"quoted\\" 😀', 42)`);
    const named = await conn.execute(`SELECT name, qty FROM ${ITEMS_TABLE} WHERE name = :name AND qty = :qty`, { name: tricky, qty: 42 });
    expect(named.rows).toEqual([{ name: tricky, qty: 42 }]);
    // The server executes exactly the interpolated text the driver sent.
    expect(server.stats().statements).toEqual([positional.statement, named.statement]);
  });
});

describe('transactions', () => {
  it('commits on success, on a connection other sessions cannot see into', async () => {
    const conn = connect({ url: server.url });
    const outsider = new Client({ url: server.url });
    const seenInside = await conn.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES (?)`, ['tx-1']);
      await tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES (?)`, ['tx-2']);
      const inside = await tx.execute(`SELECT COUNT(*) AS n FROM ${ITEMS_TABLE}`);
      const outside = await outsider.execute(`SELECT COUNT(*) AS n FROM ${ITEMS_TABLE}`);
      expect(server.stats().openTransactions).toBe(1);
      return { inside: inside.rows[0], outside: outside.rows[0] };
    });
    expect(seenInside).toEqual({ inside: { n: '2' }, outside: { n: '0' } });
    expect(await directCount()).toBe(2);
    expect(server.stats().openTransactions).toBe(0);
  });

  it('rolls back everything when the callback throws', async () => {
    const conn = connect({ url: server.url });
    const boom = new Error('boom');
    const err = await rejection(
      conn.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('rolled-back-1')`);
        await tx.execute(`UPDATE ${ITEMS_TABLE} SET qty = qty + 1`);
        throw boom;
      }),
    );
    expect(err).toBe(boom);
    expect(await directCount()).toBe(0);
    const stats = server.stats();
    expect(stats.openTransactions).toBe(0);
    const txSession = Object.values(stats.sessions).find((s) => s.statements[0] === 'BEGIN');
    expect(txSession?.statements).toEqual([
      'BEGIN',
      `INSERT INTO ${ITEMS_TABLE} (name) VALUES ('rolled-back-1')`,
      `UPDATE ${ITEMS_TABLE} SET qty = qty + 1`,
      'ROLLBACK',
    ]);
  });

  it('rolls back when a statement inside the transaction fails', async () => {
    await direct.query(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('taken')`);
    const conn = connect({ url: server.url });
    const err = await rejection(
      conn.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('fresh')`);
        await tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('taken')`);
      }),
    );
    expect(err).toBeInstanceOf(DatabaseError);
    expect(await directCount("name = 'fresh'")).toBe(0);
    expect(await directCount()).toBe(1);
  });

  it('follows the server transaction state: autocommit=0 binds, implicit commits release', async () => {
    const conn = connect({ url: server.url });
    await conn.execute('SET autocommit = 0');
    expect(server.stats().openTransactions).toBe(1);
    await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('manual')`);
    expect(await directCount()).toBe(0);
    await conn.execute('COMMIT');
    expect(await directCount()).toBe(1);
    // Still autocommit=0, so the connection must stay with this session.
    expect(server.stats().openTransactions).toBe(1);
    await conn.execute('SET autocommit = 1');
    expect(server.stats().openTransactions).toBe(0);

    await conn.execute('START TRANSACTION');
    await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('before-ddl')`);
    expect(server.stats().openTransactions).toBe(1);
    // DDL commits implicitly; the server status says so and the connection goes back to the pool.
    await conn.execute('CREATE TABLE IF NOT EXISTS pshttp_ddl (id INT)');
    await conn.execute('DROP TABLE pshttp_ddl');
    expect(server.stats().openTransactions).toBe(0);
    expect(await directCount("name = 'before-ddl'")).toBe(1);
  });

  it('keeps concurrent statements of one transaction on its connection', async () => {
    const conn = connect({ url: server.url });
    await conn.transaction(async (tx) => {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => tx.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES (?)`, [`p${i}`])),
      );
    });
    expect(await directCount()).toBe(5);
    expect(server.stats().openTransactions).toBe(0);
  });
});

describe('errors', () => {
  it('turns a duplicate key into a Vitess-style DatabaseError with errno 1062', async () => {
    const conn = connect({ url: server.url });
    await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('dup')`);
    const err = await rejection(conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('dup')`));
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err).not.toBeInstanceOf(UnknownError);
    const dbErr = err as DatabaseError;
    expect(dbErr.status).toBe(400);
    expect(dbErr.body.code).toBe('ALREADY_EXISTS');
    expect(dbErr.message).toMatch(/^target: vps_sync_ps_http\.-\.primary: vttablet: rpc error: code = AlreadyExists desc = Duplicate entry 'dup' for key/);
    expect(dbErr.message).toContain('(errno 1062) (sqlstate 23000) (CallerID: root)');
    expect(server.stats().sqlErrors).toBe(1);
  });

  it('classifies syntax errors and missing tables', async () => {
    const conn = connect({ url: server.url });
    const syntax = (await rejection(conn.execute('SELEC 1'))) as DatabaseError;
    expect(syntax.body.code).toBe('INVALID_ARGUMENT');
    expect(syntax.message).toMatch(/code = InvalidArgument .*\(errno 1064\) \(sqlstate 42000\)/);
    const missing = (await rejection(conn.execute('SELECT * FROM pshttp_does_not_exist'))) as DatabaseError;
    expect(missing.body.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('(errno 1146) (sqlstate 42S02)');
  });

  it('rejects wrong credentials with 401 and executes nothing', async () => {
    const bad = connect({ url: `http://root:wrong@127.0.0.1:${server.port}` });
    const err = await rejection(bad.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('intruder')`));
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).status).toBe(401);
    expect((err as DatabaseError).message).toMatch(/invalid username\/password/);
    expect(await directCount()).toBe(0);
    const stats = server.stats();
    expect(stats.unauthorized).toBe(1);
    expect(stats.executes).toBe(0);

    const anonymous = await fetch(`${baseUrl(server)}/psdb.v1alpha1.Database/Execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT 1', session: null }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a tampered session instead of running it', async () => {
    const conn = connect({ url: server.url });
    await conn.execute('SELECT 1');
    const res = await fetch(`${baseUrl(server)}/psdb.v1alpha1.Database/Execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('root', 'local') },
      body: JSON.stringify({
        query: `INSERT INTO ${ITEMS_TABLE} (name) VALUES ('forged')`,
        session: { signature: 'forged', vitessSession: { sessionUUID: 'someone-else', autocommit: true } },
      }),
    });
    const body = (await res.json()) as { error?: { code: string } };
    expect(body.error?.code).toBe('INVALID_ARGUMENT');
    expect(await directCount()).toBe(0);
  });
});

describe('sessions and stats', () => {
  it('counts round trips per session', async () => {
    const conn = connect({ url: server.url });
    await conn.execute('SELECT 1');
    await conn.execute('SELECT 2');
    await conn.execute('SELECT 3');
    const client = new Client({ url: server.url });
    await client.execute('SELECT 4');
    await client.execute('SELECT 5');

    const stats = server.stats();
    expect(stats.executes).toBe(5);
    expect(stats.statements).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4', 'SELECT 5']);
    // A Connection keeps its session; Client.execute starts a new Connection (and session) every call.
    const perSession = Object.values(stats.sessions).map((s) => s.statements);
    expect(perSession).toEqual([['SELECT 1', 'SELECT 2', 'SELECT 3'], ['SELECT 4'], ['SELECT 5']]);
    expect(Object.values(stats.sessions).map((s) => s.executes)).toEqual([3, 1, 1]);
  });

  it('adopts a session from CreateSession', async () => {
    const conn = connect({ url: server.url });
    await conn.refresh();
    await conn.execute('SELECT 1');
    await conn.execute('SELECT 2');
    const stats = server.stats();
    expect(stats.createSessions).toBe(1);
    expect(Object.keys(stats.sessions)).toHaveLength(1);
    expect(Object.values(stats.sessions)[0]?.executes).toBe(2);
  });

  it('serves stats and reset over HTTP behind the same auth', async () => {
    await connect({ url: server.url }).execute('SELECT 42');
    const stats = (await (await control('/_sim/stats')).json()) as { executes: number; statements: string[] };
    expect(stats.executes).toBe(1);
    expect(stats.statements).toEqual(['SELECT 42']);

    expect((await control('/_sim/stats', { auth: null })).status).toBe(401);
    expect((await control('/_sim/reset', { method: 'POST', auth: basic('root', 'nope') })).status).toBe(401);
    expect(server.stats().executes).toBe(1);

    expect((await control('/_sim/reset', { method: 'POST' })).status).toBe(200);
    expect(server.stats()).toMatchObject({ executes: 0, statements: [], sessions: {} });
  });

  it('rolls back and releases an abandoned transaction after the idle timeout', async () => {
    const quick = await startPsHttpServer({ mysql: MYSQL, port: 0, transactionIdleTimeoutMs: 150 });
    try {
      const conn = connect({ url: quick.url });
      await conn.execute('BEGIN');
      await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('abandoned')`);
      expect(quick.stats().openTransactions).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(quick.stats()).toMatchObject({ openTransactions: 0, expiredTransactions: 1 });
      // The row lock on the unique key is gone only if the transaction was really rolled back.
      await direct.query(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('abandoned')`);
      expect(await directCount()).toBe(1);

      // Continuing the dead transaction must fail loudly rather than autocommit.
      const err = (await rejection(conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('after-expiry')`))) as DatabaseError;
      expect(err.body.code).toBe('ABORTED');
      expect(await directCount("name = 'after-expiry'")).toBe(0);
      await conn.execute('ROLLBACK');
      await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('fresh-start')`);
      expect(await directCount()).toBe(2);
    } finally {
      await quick.close();
    }
  });
});

describe('fault injection', () => {
  afterEach(() => {
    server.setFault({ mode: 'none' });
  });

  it('hang: holds requests until the client gives up, executes nothing, recovers when cleared', async () => {
    const set = await control('/_sim/fault', { method: 'POST', body: { mode: 'hang' } });
    expect(set.status).toBe(200);
    const impatient = connect({ url: server.url, fetch: fetchWithTimeout(300) });
    const started = Date.now();
    const err = await rejection(impatient.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('hung')`));
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.stats()).toMatchObject({ executes: 1, faulted: 1, statements: [] });
    expect(await directCount()).toBe(0);

    await control('/_sim/fault', { method: 'POST', body: { mode: 'none' } });
    const ok = await impatient.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('after-hang')`);
    expect(ok.rowsAffected).toBe(1);
    expect(await directCount()).toBe(1);
    expect(await directCount("name = 'hung'")).toBe(0);
  });

  it('hang: close() does not wait for held requests', async () => {
    const other = await startPsHttpServer({ mysql: MYSQL, port: 0 });
    other.setFault({ mode: 'hang' });
    const pending = rejection(connect({ url: other.url }).execute('SELECT 1'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('html502: answers with an HTML proxy page the driver reports as a non-database error', async () => {
    server.setFault({ mode: 'html502' });
    const err = await rejection(connect({ url: server.url }).execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('502')`));
    expect(err).toBeInstanceOf(UnknownError);
    expect(err).toBeInstanceOf(DatabaseError);
    const unknown = err as UnknownError;
    expect(unknown.status).toBe(502);
    expect(unknown.message).toBe('Expected JSON response from database API, got HTTP 502 Bad Gateway');
    expect(unknown.context.body).toContain('<h1>502 Bad Gateway</h1>');
    expect(unknown.context.headers['content-type']).toBe('text/html');
    expect(await directCount()).toBe(0);
    expect(server.stats().statements).toEqual([]);
  });

  it('error500: answers 500 with a JSON body that is not a database error', async () => {
    server.setFault({ mode: 'error500' });
    const err = await rejection(connect({ url: server.url }).execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('500')`));
    expect(err).toBeInstanceOf(UnknownError);
    const unknown = err as UnknownError;
    expect(unknown.status).toBe(500);
    expect(unknown.message).toBe('Expected JSON response from database API, got HTTP 500 Internal Server Error');
    expect(JSON.parse(unknown.context.body)).toMatchObject({ code: 'internal' });
    expect(await directCount()).toBe(0);
  });

  it('count: applies to the next N requests only, then clears itself', async () => {
    const set = await control('/_sim/fault', { method: 'POST', body: { mode: 'error500', count: 2 } });
    expect(await set.json()).toEqual({ mode: 'error500', remaining: 2, held: 0 });
    const conn = connect({ url: server.url });
    const insert = (): Promise<unknown> => conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('counted', 1) ON DUPLICATE KEY UPDATE qty = qty + 1`);
    expect(await rejection(insert())).toBeInstanceOf(UnknownError);
    expect(await rejection(insert())).toBeInstanceOf(UnknownError);
    await insert();
    const [rows] = await direct.query<mysql.RowDataPacket[]>(`SELECT qty FROM ${ITEMS_TABLE} WHERE name = 'counted'`);
    expect(rows.map((r) => r['qty'])).toEqual([1]);
    expect(await (await control('/_sim/fault')).json()).toEqual({ mode: 'none', held: 0 });
    expect(server.stats()).toMatchObject({ executes: 3, faulted: 2 });
  });

  it('match: faults only the statements matching the pattern', async () => {
    const set = await control('/_sim/fault', { method: 'POST', body: { mode: 'error500', count: 1, match: '^insert into' } });
    expect(await set.json()).toEqual({ mode: 'error500', match: '^insert into', remaining: 1, held: 0 });
    const conn = connect({ url: server.url });
    const before = await conn.execute(`SELECT COUNT(*) AS n FROM ${ITEMS_TABLE} WHERE name = 'matched'`);
    expect(await rejection(conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('matched', 1)`))).toBeInstanceOf(UnknownError);
    await conn.execute(`INSERT INTO ${ITEMS_TABLE} (name, qty) VALUES ('matched', 2)`);
    const [rows] = await direct.query<mysql.RowDataPacket[]>(`SELECT qty FROM ${ITEMS_TABLE} WHERE name = 'matched'`);
    expect(before.rows).toEqual([{ n: '0' }]);
    expect(rows.map((r) => r['qty'])).toEqual([2]);
    expect(server.stats()).toMatchObject({ faulted: 1 });
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'hang', match: '(' } })).status).toBe(400);
  });

  it('applies to CreateSession as well', async () => {
    server.setFault({ mode: 'html502', count: 1 });
    const conn = connect({ url: server.url });
    expect(await rejection(conn.refresh())).toBeInstanceOf(UnknownError);
    await conn.refresh();
    expect(server.stats().createSessions).toBe(1);
  });

  it('mysql-error: answers the statement with that MySQL error as vttablet would, without running it', async () => {
    const set = await control('/_sim/fault', { method: 'POST', body: { mode: 'mysql-error', errno: 1213, count: 1 } });
    expect(await set.json()).toEqual({ mode: 'mysql-error', errno: 1213, remaining: 1, held: 0 });
    const conn = connect({ url: server.url });
    const err = await rejection(conn.execute(`INSERT INTO ${ITEMS_TABLE} (name) VALUES ('deadlocked')`));
    expect(err).toBeInstanceOf(DatabaseError);
    const dbErr = err as DatabaseError;
    expect(dbErr.status).toBe(400);
    expect(dbErr.body.code).toBe('ABORTED');
    expect(dbErr.message).toBe(
      `target: ${DATABASE}.-.primary: vttablet: rpc error: code = Aborted desc = Deadlock found when trying to get lock; ` +
        `try restarting transaction (errno 1213) (sqlstate 40001) (CallerID: root): Sql: "INSERT INTO ${ITEMS_TABLE} (name) VALUES ('deadlocked')", BindVars: {REDACTED}`,
    );
    expect(await directCount()).toBe(0);
    expect(await (await control('/_sim/fault')).json()).toEqual({ mode: 'none', held: 0 });

    // A code of its own (vtgate's "no healthy tablet" is Unavailable with errno 1105); CreateSession runs no statement.
    server.setFault({ mode: 'mysql-error', errno: 1105, code: 'UNAVAILABLE' });
    await conn.refresh();
    const vtgate = (await rejection(conn.execute('SELECT 1'))) as DatabaseError;
    expect(vtgate.body.code).toBe('UNAVAILABLE');
    expect(vtgate.message).toMatch(/code = Unavailable desc = unknown error: simulated \(errno 1105\) \(sqlstate HY000\)/);
  });

  it('rejects malformed fault requests', async () => {
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'mysql-error' } })).status).toBe(400);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'mysql-error', errno: 1.5 } })).status).toBe(400);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'mysql-error', errno: 1040, code: 'Nope' } })).status).toBe(400);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'hang', errno: 1040 } })).status).toBe(400);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'explode' } })).status).toBe(400);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'hang', count: 0 } })).status).toBe(400);
    expect(() => server.setFault({ mode: 'hang', count: -1 })).toThrow(/count/);
    expect((await control('/_sim/fault', { method: 'POST', body: { mode: 'hang' }, auth: null })).status).toBe(401);
  });
});
