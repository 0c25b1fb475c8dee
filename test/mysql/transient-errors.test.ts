// The PlanetScale failure table (src/store/planetscale/errors.ts) on real failures: the Worker's
// client and driver, through the local endpoint, to MariaDB that is cut off, refused, stopped,
// locked, deadlocked, full or read-only. Each row is produced for real where MariaDB can produce
// it; test/worker/planetscale-errors.test.ts covers the table on constructed errors, and
// test/mysql/planetscale.worker.test.ts the HTTP answers (503 + Retry-After or 500).
import { createServer, type Server } from 'node:http';
import { DatabaseError, type Client } from '@planetscale/database';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectMysql, migrateMysql, type MysqlTarget } from '../../scripts/mysql.js';
import { startPsHttpServer, type PsHttpServer } from '../../scripts/ps-http/server.js';
import { startTcpProxy, type TcpProxy } from '../../scripts/soak/tcp-proxy.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { planetscaleClient } from '../../src/store/planetscale/client.js';
import { planetscaleStore } from '../../src/store/planetscale/vps.js';
import { classifyFailure } from '../../src/store/planetscale/errors.js';
import { privateMariadbUnavailable, startPrivateMariadb, type PrivateMariadb } from './private-mariadb.js';
import { unusedLoopbackPort } from './free-port.js';

const TIMEOUT_MS = 1000;

/** The client the Worker builds for DATABASE_URL (with its timeout). */
const clientFor = (url: string, timeoutMs = TIMEOUT_MS): Client =>
  planetscaleClient({ kind: 'planetscale', connection: { url }, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

/** The failure's row, and the driver's own report: what the endpoint said. */
async function classified(promise: Promise<unknown>) {
  const err = await failure(promise);
  const row = classifyFailure(err);
  const driver = err instanceof DatabaseError ? { status: err.status, code: (err.body as { code?: string }).code, message: err.message } : null;
  return { err, row: row.name, transient: row.transient, driver };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let target: MysqlTarget;
let proxy: TcpProxy;
/** The endpoint in front of the machine's MariaDB, through the proxy. */
let endpoint: PsHttpServer;
let direct: mysql.Connection;

beforeAll(async () => {
  target = await connectMysql('vps_sync_transient');
  await migrateMysql(target, { fresh: true });
  proxy = await startTcpProxy({ host: target.host, port: target.port });
  endpoint = await startPsHttpServer({ mysql: { ...target, port: proxy.port }, port: 0 });
  direct = await mysql.createConnection(target);
  await direct.query('CREATE TABLE IF NOT EXISTS locks (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB');
  await direct.query('INSERT IGNORE INTO locks VALUES (1, 0), (2, 0)');
}, 60_000);

afterAll(async () => {
  await direct?.end();
  await endpoint?.close();
  await proxy?.close();
});

beforeEach(async () => {
  endpoint.setFault({ mode: 'none' });
  await proxy.setMode('open');
});

describe('request_failed: the endpoint cannot be reached', () => {
  it('nothing listens at the endpoint address', async () => {
    const url = new URL(endpoint.url);
    url.port = String(await unusedLoopbackPort());
    const got = await classified(clientFor(url.toString()).execute('SELECT 1'));
    expect(got.err).toBeInstanceOf(StoreUnavailableError);
    expect(got).toMatchObject({ row: 'request_failed', transient: true });
  });

  it('the endpoint host does not resolve (DNS)', async () => {
    const got = await classified(clientFor('http://u:p@vps-sync-db.invalid').execute('SELECT 1'));
    expect(String((got.err as Error).cause)).toMatch(/fetch failed/);
    expect(got).toMatchObject({ row: 'request_failed', transient: true });
  });

  it('the endpoint does not answer in time', async () => {
    endpoint.setFault({ mode: 'hang' });
    const started = Date.now();
    const got = await classified(clientFor(endpoint.url, 300).execute('SELECT 1'));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(got).toMatchObject({ row: 'request_failed', transient: true });
  });
});

describe('timeout: the answer stops half-way', () => {
  let stalling: Server;
  afterAll(() => new Promise<void>((done) => stalling.close(() => done())));

  it('headers came, the body never ends', async () => {
    stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"session":');
    });
    await new Promise<void>((done) => stalling.listen(0, '127.0.0.1', done));
    const { port } = stalling.address() as { port: number };
    const got = await classified(clientFor(`http://u:p@127.0.0.1:${port}`, 300).execute('SELECT 1'));
    stalling.closeAllConnections();
    expect(got.err).toBeInstanceOf(DOMException);
    expect(got).toMatchObject({ row: 'timeout', transient: true });
  });
});

describe('transient_code: MariaDB unreachable behind the endpoint (it answers Unavailable)', () => {
  it('MariaDB refuses connections: Unavailable, errno 2002', async () => {
    await proxy.setMode('refuse');
    const got = await classified(clientFor(endpoint.url).execute('SELECT 1'));
    expect(got.driver).toMatchObject({ status: 400, code: 'UNAVAILABLE' });
    expect(got.driver?.message).toMatch(/code = Unavailable desc = .*\(errno 2002\)/);
    expect(got).toMatchObject({ row: 'transient_code', transient: true });
  });

  it('the connection to MariaDB is lost during a statement: Unavailable, errno 2013', async () => {
    const running = classified(clientFor(endpoint.url, 5000).execute('SELECT SLEEP(3)'));
    await sleep(300);
    await proxy.setMode('refuse');
    const got = await running;
    expect(got.driver).toMatchObject({ status: 400, code: 'UNAVAILABLE' });
    expect(got.driver?.message).toMatch(/\(errno 2013\)/);
    expect(got).toMatchObject({ row: 'transient_code', transient: true });
  });

  it('MariaDB stops answering (dead route): the Worker gives up at its timeout', async () => {
    await proxy.setMode('blackhole');
    const got = await classified(clientFor(endpoint.url, 500).execute('SELECT 1'));
    expect(got).toMatchObject({ row: 'request_failed', transient: true });
  });

  it('after each, MariaDB back: the same client works again', async () => {
    await proxy.setMode('refuse');
    await failure(clientFor(endpoint.url).execute('SELECT 1'));
    await proxy.setMode('open');
    expect((await clientFor(endpoint.url).execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('the Worker store turns it into the 503 error, with the driver error as its cause', async () => {
    await proxy.setMode('refuse');
    const err = await failure(planetscaleStore(clientFor(endpoint.url)).listForUser(1, { limit: 10 }));
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(classifyFailure((err as Error).cause).name).toBe('transient_code');
  });
});

describe('transient_code: the statement could not get its locks', () => {
  it('lock wait timeout: DeadlineExceeded, errno 1205', async () => {
    await direct.query('BEGIN');
    await direct.query('SELECT * FROM locks WHERE id = 1 FOR UPDATE');
    try {
      const got = await classified(
        clientFor(endpoint.url, 5000).transaction(async (tx) => {
          await tx.execute('SET SESSION innodb_lock_wait_timeout = 1');
          await tx.execute('UPDATE locks SET n = n + 1 WHERE id = 1');
        }),
      );
      expect(got.driver).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      expect(got.driver?.message).toMatch(/\(errno 1205\)/);
      expect(got).toMatchObject({ row: 'transient_code', transient: true });
    } finally {
      await direct.query('ROLLBACK');
    }
  });

  it('deadlock: Aborted, errno 1213', async () => {
    const client = clientFor(endpoint.url, 10_000);
    let firstLocked!: () => void;
    let secondLocked!: () => void;
    const first = new Promise<void>((done) => (firstLocked = done));
    const second = new Promise<void>((done) => (secondLocked = done));
    const crossing = (mine: number, theirs: number, locked: () => void, other: Promise<void>) =>
      client.transaction(async (tx) => {
        await tx.execute(`UPDATE locks SET n = n + 1 WHERE id = ${mine}`);
        locked();
        await other;
        await tx.execute(`UPDATE locks SET n = n + 1 WHERE id = ${theirs}`);
      });
    const outcomes = await Promise.allSettled([crossing(1, 2, firstLocked, second), crossing(2, 1, secondLocked, first)]);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as Error);
    expect(rejected).toHaveLength(1);
    const err = rejected[0]!;
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).body).toMatchObject({ code: 'ABORTED' });
    expect(err.message).toMatch(/\(errno 1213\)/);
    expect(classifyFailure(err)).toMatchObject({ name: 'transient_code', transient: true });
  });
});

describe('transient_http_status: the endpoint or a proxy answers an HTTP error', () => {
  it.each(['html502', 'error500'] as const)('%s', async (mode) => {
    endpoint.setFault({ mode });
    const got = await classified(clientFor(endpoint.url).execute('SELECT 1'));
    expect(got).toMatchObject({ row: 'transient_http_status', transient: true });
  });
});

describe('permanent: answered 500', () => {
  it('http_refused: the endpoint refuses the credentials', async () => {
    const url = new URL(endpoint.url);
    url.password = 'wrong';
    const got = await classified(clientFor(url.toString()).execute('SELECT 1'));
    expect(got.driver).toMatchObject({ status: 401 });
    expect(got).toMatchObject({ row: 'http_refused', transient: false });
  });

  it.each([
    ['a duplicate key', 'INSERT INTO locks VALUES (1, 0)', 1062],
    ['a syntax error', 'SELEC 1', 1064],
    ['a missing table', 'SELECT * FROM no_such_table', 1146],
    ['a value out of range', 'INSERT INTO locks VALUES (99999999999, 0)', 1264],
  ])('statement_rejected: %s', async (_what, sql, errno) => {
    const got = await classified(clientFor(endpoint.url).execute(sql));
    expect(got.driver?.message).toContain(`(errno ${errno})`);
    expect(got).toMatchObject({ row: 'statement_rejected', transient: false });
  });
});

const unavailable = privateMariadbUnavailable();
describe.skipIf(unavailable !== null)(`a MariaDB of the test's own: full, read-only, stopped${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PrivateMariadb;
  let own: MysqlTarget;
  let ownEndpoint: PsHttpServer;

  beforeAll(async () => {
    // MariaDB's smallest max_connections.
    server = await startPrivateMariadb(['--max-connections=10']);
    own = await connectMysql('vps_sync_own', { ...server.env });
    await migrateMysql(own);
  }, 90_000);
  afterAll(async () => {
    await ownEndpoint?.close();
    await server?.stop();
  });

  it('too many connections: ResourceExhausted, errno 1040', async () => {
    const held = await Promise.all(Array.from({ length: 10 }, () => mysql.createConnection(own)));
    try {
      ownEndpoint = await startPsHttpServer({ mysql: own, port: 0 });
      const got = await classified(clientFor(ownEndpoint.url).execute('SELECT 1'));
      expect(got.driver).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
      expect(got.driver?.message).toMatch(/Too many connections \(errno 1040\)/);
      expect(got).toMatchObject({ row: 'transient_code', transient: true });
    } finally {
      await Promise.all(held.map((c) => c.end()));
    }
    // Connections free again: the same endpoint recovers by itself.
    expect((await clientFor(ownEndpoint.url).execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('read-only during a failover: errno 1290', async () => {
    const admin = await mysql.createConnection({ socketPath: server.socketPath, user: 'root' });
    await admin.query('SET GLOBAL read_only = 1');
    try {
      const got = await classified(clientFor(ownEndpoint.url).execute('UPDATE vps SET name = name WHERE id = 0'));
      expect(got.driver?.message).toMatch(/read-only.*\(errno 1290\)/);
      expect(got).toMatchObject({ row: 'transient_errno', transient: true });
    } finally {
      await admin.query('SET GLOBAL read_only = 0');
      await admin.end();
    }
  });

  it('the server is stopped: Unavailable', async () => {
    expect((await clientFor(ownEndpoint.url).execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await server.stop();
    const got = await classified(clientFor(ownEndpoint.url).execute('SELECT 1'));
    expect(got.driver).toMatchObject({ code: 'UNAVAILABLE' });
    expect(got.driver?.message).toMatch(/\(errno 20(02|13)\)/);
    expect(got).toMatchObject({ row: 'transient_code', transient: true });
  }, 60_000);
});
