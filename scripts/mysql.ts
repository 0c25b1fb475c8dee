/**
 * The local MySQL/MariaDB that `npm run dev:mysql`, `npm run test:mysql` and `npm run db:migrate:mysql`
 * use, and the migrations of drizzle/mysql applied to it.
 *
 * The scripts log in over TCP (MYSQL_HOST / MYSQL_PORT, default 127.0.0.1:3306) as a development
 * account of their own, `vps_sync` with a fixed password, which may only use databases named
 * `vps_sync*`. When that account does not exist yet, it is created once through an administrator
 * login: root over TCP without a password (a hand-configured dev box), or root through the Unix
 * socket (MYSQL_SOCKET, default /run/mysqld/mysqld.sock): the only way in on a stock Debian or
 * Ubuntu MariaDB, where root authenticates by the socket's peer (works when the script runs as the
 * system's root, e.g. in CI). When neither works, the error names the commands to run once.
 * MYSQL_USER / MYSQL_PASSWORD replace all of this with an account of your own.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import type { MysqlTarget } from './ps-http/mysql-backend.js';

export type { MysqlTarget };

/** The development account the scripts create and use; local only, so its password is no secret. */
export const DEV_USER = 'vps_sync';
export const DEV_PASSWORD = 'vps-sync-local-dev';
/** Databases the development account may use (and create): `vps_sync`, `vps_sync_test`, … */
export const DEV_DATABASES = /^vps_sync\w*$/;
// `_` is a wildcard in a GRANT's database name; escaped, the grant covers exactly the names above.
const DEV_GRANT_PATTERN = 'vps\\_sync%';

const SOCKET_CANDIDATES = ['/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock', '/tmp/mysql.sock'];

type Environment = Record<string, string | undefined>;

/** Where the server is, from the environment. */
export interface MysqlServer {
  host: string;
  port: number;
  socketPath: string;
}

/** A failure to reach or log in to MySQL whose message says what to run; the scripts print it as it is. */
export class MysqlSetupError extends Error {
  override name = 'MysqlSetupError';
}

export function mysqlServer(env: Environment = process.env): MysqlServer {
  const port = Number(env.MYSQL_PORT ?? 3306);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MysqlSetupError(`MYSQL_PORT must be a port number, got ${env.MYSQL_PORT}`);
  return {
    host: env.MYSQL_HOST || '127.0.0.1',
    port,
    socketPath: env.MYSQL_SOCKET || (SOCKET_CANDIDATES.find((path) => existsSync(path)) ?? SOCKET_CANDIDATES[0]!),
  };
}

/**
 * The login for `database` on the local server, checked by logging in: MYSQL_USER's when set,
 * else the development account, created first when missing. Throws MysqlSetupError, whose
 * message says what to run, when the server cannot be reached or the account cannot be made.
 */
export async function connectMysql(database: string, env: Environment = process.env): Promise<MysqlTarget> {
  const server = mysqlServer(env);
  const where = `${server.host}:${server.port}`;
  if (env.MYSQL_USER) {
    const target = { host: server.host, port: server.port, user: env.MYSQL_USER, password: env.MYSQL_PASSWORD ?? '', database };
    const login = await tryLogin({ host: target.host, port: target.port, user: target.user, password: target.password });
    if (login.ok) return target;
    if (login.accessDenied) {
      throw new MysqlSetupError(`MariaDB/MySQL on ${where} refused MYSQL_USER=${target.user} (${login.message}). Check MYSQL_PASSWORD, or unset MYSQL_USER to let the scripts use their own account.`);
    }
    throw unreachable(server, login);
  }

  if (!DEV_DATABASES.test(database)) {
    throw new MysqlSetupError(`The development account ${DEV_USER} may only use databases named vps_sync*, not ${database}: pick such a name, or set MYSQL_USER and MYSQL_PASSWORD.`);
  }
  const target = { host: server.host, port: server.port, user: DEV_USER, password: DEV_PASSWORD, database };
  const dev = { host: target.host, port: target.port, user: DEV_USER, password: DEV_PASSWORD };
  const first = await tryLogin(dev);
  if (first.ok) return target;
  if (!first.accessDenied) throw unreachable(server, first);

  const tried: string[] = [];
  for (const admin of administrators(server)) {
    const login = await tryConnect(admin.options);
    if (!login.ok) {
      tried.push(`${admin.label}: ${login.message}`);
      continue;
    }
    try {
      for (const statement of createDevAccount()) await login.connection.query(statement);
    } catch (err) {
      tried.push(`${admin.label}: logged in, but could not create the account: ${messageOf(err)}`);
      continue;
    } finally {
      await login.connection.end().catch(() => {});
    }
    console.error(`Created the MariaDB/MySQL account ${DEV_USER} on ${where} (databases vps_sync* only), as ${admin.label}.`);
    const again = await tryLogin(dev);
    if (again.ok) return target;
    tried.push(`${DEV_USER} after creating it: ${again.message}`);
  }
  throw new MysqlSetupError(
    [
      `MariaDB/MySQL on ${where} is running, but refused the development account ${DEV_USER} (${first.message}),`,
      'and it could not be created automatically:',
      ...tried.map((line) => `  - ${line}`),
      'Create it once as the database administrator (on Debian/Ubuntu: sudo mariadb), then run this again:',
      '',
      `  sudo mariadb <<'SQL'`,
      ...createDevAccount().map((statement) => `  ${statement};`),
      '  SQL',
      '',
      'Or use an account of your own: MYSQL_USER=… MYSQL_PASSWORD=… (it must be able to create the database).',
    ].join('\n'),
  );
}

/** The statements that create (or repair) the development account; also printed for a human to run. */
export function createDevAccount(): string[] {
  const hosts = ['localhost', '127.0.0.1'];
  const password = `'${DEV_PASSWORD}'`;
  return [
    ...hosts.map((host) => `CREATE USER IF NOT EXISTS '${DEV_USER}'@'${host}' IDENTIFIED BY ${password}`),
    ...hosts.map((host) => `ALTER USER '${DEV_USER}'@'${host}' IDENTIFIED BY ${password}`),
    `GRANT ALL PRIVILEGES ON \`${DEV_GRANT_PATTERN}\`.* TO ${hosts.map((host) => `'${DEV_USER}'@'${host}'`).join(', ')}`,
  ];
}

interface Administrator {
  label: string;
  options: mysql.ConnectionOptions;
}

function administrators(server: MysqlServer): Administrator[] {
  return [
    { label: `root over TCP without a password`, options: { host: server.host, port: server.port, user: 'root', password: '' } },
    // The Unix socket's peer credentials are what a stock MariaDB's root logs in with (unix_socket).
    { label: `root through the socket ${server.socketPath}`, options: { socketPath: server.socketPath, user: 'root' } },
  ];
}

type Login =
  | { ok: true; connection: mysql.Connection }
  | { ok: false; accessDenied: boolean; code: string; message: string };

// 1045, and 1698: MariaDB's answer to root over TCP when root may only log in through the socket.
const ACCESS_DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR']);

async function tryConnect(options: mysql.ConnectionOptions): Promise<Login> {
  try {
    return { ok: true, connection: await mysql.createConnection({ ...options, connectTimeout: 5000 }) };
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    return { ok: false, accessDenied: ACCESS_DENIED.has(code), code, message: messageOf(err) };
  }
}

async function tryLogin(options: mysql.ConnectionOptions): Promise<Login> {
  const login = await tryConnect(options);
  if (login.ok) await login.connection.end();
  return login;
}

function unreachable(server: MysqlServer, login: Extract<Login, { ok: false }>): MysqlSetupError {
  const where = `${server.host}:${server.port}`;
  const refused = login.code === 'ECONNREFUSED';
  return new MysqlSetupError(
    [
      refused ? `Nothing accepts connections on ${where}: MariaDB/MySQL is not running there.` : `Cannot reach MariaDB/MySQL on ${where}: ${login.message}`,
      'Start it:    sudo systemctl start mariadb        (without systemd: sudo service mariadb start)',
      'Install it:  sudo apt-get install -y mariadb-server',
      'Elsewhere:   set MYSQL_HOST and MYSQL_PORT.',
    ].join('\n'),
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || String((err as { code?: unknown }).code ?? err.name) : String(err);
}

/** Creates the database when missing (recreates it when `fresh`) and applies drizzle/mysql. */
export async function migrateMysql(target: MysqlTarget, { fresh = false } = {}): Promise<void> {
  if (!/^\w+$/.test(target.database)) throw new Error(`unsafe database name: ${target.database}`);
  const { database, ...server } = target;
  const admin = await mysql.createConnection(server);
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const connection = await mysql.createConnection({ ...target, charset: 'utf8mb4', timezone: 'Z' });
  try {
    await migrate(drizzle(connection), { migrationsFolder: resolve(import.meta.dirname, '../drizzle/mysql') });
  } finally {
    await connection.end();
  }
}
