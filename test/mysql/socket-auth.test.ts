// The MySQL scripts against a stock MariaDB, where root logs in only through the Unix socket:
// a freshly initialised data directory of the test's own, not the machine's configured server.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { connect } from '@planetscale/database';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMysql, createDevAccount, DEV_PASSWORD, DEV_USER } from '../../scripts/mysql.js';
import { startPsHttpServer } from '../../scripts/ps-http/server.js';
import { privateMariadbUnavailable, startPrivateMariadb, type PrivateMariadb } from './private-mariadb.js';
import { unusedLoopbackPort } from './free-port.js';

const root = resolve(import.meta.dirname, '../..');
const unavailable = privateMariadbUnavailable();

// CI sets this so the suite fails instead of skipping where it must run.
it.runIf(unavailable !== null && process.env.PRIVATE_MARIADB_REQUIRED === '1')('a private MariaDB can be started (PRIVATE_MARIADB_REQUIRED=1)', () => {
  expect.fail(`cannot start a private MariaDB: ${unavailable}`);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run db:migrate:mysql` as a user runs it, with `env` on top of a MYSQL_*-free environment. */
function migrate(env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MYSQL_')));
  return new Promise((done, fail) => {
    const child = spawn(resolve(root, 'node_modules/.bin/tsx'), ['scripts/migrate-mysql.ts'], {
      cwd: root,
      // (worker-configuration.d.ts makes ProcessEnv require the Worker's vars; a script needs none.)
      env: { ...base, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The SQL of the `sudo mariadb <<'SQL' … SQL` block a message tells the user to run. */
function heredocOf(message: string): string {
  const block = /sudo mariadb <<'SQL'\n([\s\S]*?)\n\s*SQL\n/.exec(message);
  if (!block) throw new Error(`no heredoc in:\n${message}`);
  return block[1]!.replace(/^ +/gm, '');
}

describe.skipIf(unavailable !== null)(`a stock MariaDB: root only through the socket${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PrivateMariadb;
  const database = 'vps_sync_fresh';

  beforeAll(async () => {
    server = await startPrivateMariadb();
  }, 90_000);
  afterAll(() => server?.stop());

  it('refuses root over TCP, as a freshly installed Debian MariaDB does', async () => {
    const err = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '' }).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(err?.code).toBe('ER_ACCESS_DENIED_NO_PASSWORD_ERROR');
  });

  it('without the socket, migrate stops and prints the SQL that creates the account; that SQL works', async () => {
    const run = await migrate({ ...server.env, MYSQL_SOCKET: '/nonexistent/mysqld.sock', MYSQL_DATABASE: database });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`MariaDB/MySQL on 127.0.0.1:${server.port} is running, but refused the development account ${DEV_USER}`);
    expect(run.stderr).toContain('root through the socket /nonexistent/mysqld.sock');
    const sql = heredocOf(run.stderr);
    expect(sql.split('\n')).toEqual(createDevAccount().map((statement) => `${statement};`));

    // What the user is told to run, run as they would (the mariadb client as root through the socket).
    const applied = spawnSync('mariadb', ['--no-defaults', `--socket=${server.socketPath}`, '-uroot'], { input: sql, encoding: 'utf8' });
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);

    const again = await migrate({ ...server.env, MYSQL_SOCKET: '/nonexistent/mysqld.sock', MYSQL_DATABASE: database });
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain(`MySQL migrations applied to ${database} on 127.0.0.1:${server.port} (as ${DEV_USER})`);
    expect(again.code).toBe(0);
    await dropAccount(server);
  }, 60_000);

  it('with the socket, migrate creates the account through it, then works over TCP', async () => {
    const run = await migrate({ ...server.env, MYSQL_DATABASE: database });
    expect(run.stderr).toContain(`Created the MariaDB/MySQL account ${DEV_USER} on 127.0.0.1:${server.port} (databases vps_sync* only), as root through the socket ${server.socketPath}.`);
    expect(run.stdout).toContain(`MySQL migrations applied to ${database}`);
    expect(run.code).toBe(0);

    const admin = await mysql.createConnection({ socketPath: server.socketPath, user: 'root' });
    try {
      const [grants] = await admin.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR '${DEV_USER}'@'127.0.0.1'`);
      // A password and the project's databases: no global privileges.
      expect(grants.map((row) => Object.values(row)[0])).toEqual([
        expect.stringMatching(/^GRANT USAGE ON \*\.\* TO `vps_sync`@`127\.0\.0\.1` IDENTIFIED BY PASSWORD '\*[0-9A-F]{40}'$/),
        'GRANT ALL PRIVILEGES ON `vps\\_sync%`.* TO `vps_sync`@`127.0.0.1`',
      ]);
      const [tables] = await admin.query<mysql.RowDataPacket[]>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
        [database],
      );
      expect(tables.map((row) => String(row['name'])).sort()).toEqual(['__drizzle_migrations', 'idempotency_keys', 'reconcile_listed_ids', 'reconcile_runs', 'vps', 'webhook_ids']);
    } finally {
      await admin.end();
    }

    // A second run finds the account and creates nothing.
    const again = await migrate({ ...server.env, MYSQL_DATABASE: database });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  }, 60_000);

  it('the development account cannot reach databases outside vps_sync*', async () => {
    const dev = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: DEV_USER, password: DEV_PASSWORD });
    try {
      await expect(dev.query('CREATE DATABASE other_project')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
      await expect(dev.query('SELECT * FROM mysql.user')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    } finally {
      await dev.end();
    }
  });

  it('the PlanetScale-compatible endpoint serves the migrated database over that account', async () => {
    const target = await connectMysql(database, { ...server.env });
    expect(target).toEqual({ host: '127.0.0.1', port: server.port, user: DEV_USER, password: DEV_PASSWORD, database });
    const endpoint = await startPsHttpServer({ mysql: target, port: 0 });
    try {
      const conn = connect({ url: endpoint.url });
      await conn.execute(
        'INSERT INTO vps (user_id, name, status, cpu, ram, disk, os, hypervisor, created_at, updated_at) ' +
          "VALUES (7, 'fresh', 'running', 1, 512, 10, 'Debian 12', 'kvm', NOW(3), NOW(3))",
      );
      const read = await conn.execute('SELECT user_id, name FROM vps WHERE user_id = 7');
      expect(read.rows).toEqual([{ user_id: 7, name: 'fresh' }]);
    } finally {
      await endpoint.close();
    }
  });

  it('when nothing listens, migrate says how to start MariaDB instead of failing on a login', async () => {
    const closed = await unusedLoopbackPort();
    const run = await migrate({ MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(closed), MYSQL_SOCKET: server.socketPath });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        `Nothing accepts connections on 127.0.0.1:${closed}: MariaDB/MySQL is not running there.`,
        'Start it:    sudo systemctl start mariadb        (without systemd: sudo service mariadb start)',
        'Install it:  sudo apt-get install -y mariadb-server',
        'Elsewhere:   set MYSQL_HOST and MYSQL_PORT.',
        '',
      ].join('\n'),
    );
  }, 60_000);
});

async function dropAccount(server: PrivateMariadb): Promise<void> {
  const admin = await mysql.createConnection({ socketPath: server.socketPath, user: 'root' });
  try {
    await admin.query(`DROP USER '${DEV_USER}'@'localhost', '${DEV_USER}'@'127.0.0.1'`);
  } finally {
    await admin.end();
  }
}
