/**
 * A MariaDB of a test's own: a freshly initialised data directory (mariadb-install-db), as a
 * stock Debian package leaves it: root may log in only through the Unix socket. It listens on
 * 127.0.0.1 at a free port and on a socket inside its directory, and is stopped by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { unusedLoopbackPort } from './free-port.js';

export interface PrivateMariadb {
  port: number;
  socketPath: string;
  /** The environment that points the project's scripts at this server. */
  env: Record<string, string>;
  /** Stops the server (SIGTERM, then SIGKILL after 20 s) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const SERVER_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];

/** Why a private server cannot be started here, or null when it can. */
export function privateMariadbUnavailable(): string | null {
  if (spawnSync('mariadb-install-db', ['--help'], { stdio: 'ignore' }).error) {
    return 'mariadb-install-db is not installed (apt-get install mariadb-server)';
  }
  if (!SERVER_CANDIDATES.some((path) => existsSync(path))) return 'mariadbd is not installed (apt-get install mariadb-server)';
  // Socket authentication maps the system user to the MariaDB user of the same name: root only as root.
  if (userInfo().uid !== 0) return 'logging in as root through the socket needs the tests to run as the system root';
  return null;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** `args`: extra mariadbd options, e.g. `--max-connections=5`. */
export async function startPrivateMariadb(args: string[] = []): Promise<PrivateMariadb> {
  const dir = await mkdtemp(join(tmpdir(), 'vps-sync-mariadb-'));
  await chown(dir, ...mysqlIds());
  const datadir = join(dir, 'data');
  const socketPath = join(dir, 'mysqld.sock');
  const log = join(dir, 'error.log');
  let child: ChildProcess | undefined;

  const stop = once(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const gone = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  });

  try {
    // --no-defaults: nothing from /etc/mysql (the machine's own server, its socket and port) leaks in.
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=mysql', '--auth-root-authentication-method=socket']);
    const port = await unusedLoopbackPort();
    const server = SERVER_CANDIDATES.find((path) => existsSync(path))!;
    child = spawn(
      server,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        '--user=mysql',
        `--socket=${socketPath}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${log}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        ...args,
      ],
      { stdio: 'ignore' },
    );
    const started = Date.now();
    while (!(await readFile(log, 'utf8').catch(() => '')).includes('ready for connections')) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}:\n${await readFile(log, 'utf8').catch(() => '')}`);
      if (Date.now() - started > 30_000) throw new Error(`mariadbd not ready after 30 s:\n${await readFile(log, 'utf8').catch(() => '')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { port, socketPath, env: { MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(port), MYSQL_SOCKET: socketPath }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function mysqlIds(): [number, number] {
  const id = (flag: string) => spawnSync('id', [flag, 'mysql'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const [uid, gid] = [id('-u'), id('-g')];
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) throw new Error('no system user mysql (it comes with mariadb-server)');
  return [Number(uid), Number(gid)];
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
