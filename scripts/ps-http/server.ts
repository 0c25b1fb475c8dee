import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentialsMatch, parseBasicAuth, type Credentials } from './auth.js';
import { DatabaseApi } from './database-api.js';
import { FaultInjector, parseFault, type Fault } from './faults.js';
import { BodyTooLargeError, parseJson, readBody, sendConnectError, sendJson } from './http-io.js';
import { createMysqlPool, type MysqlTarget } from './mysql-backend.js';
import { CREATE_SESSION_PATH, EXECUTE_PATH, parseExecuteRequest } from './protocol.js';
import { SessionTokens } from './session-token.js';
import { SessionConnections } from './sessions.js';
import { StatsRecorder, type Stats } from './stats.js';
import { toVitessError, vtgateError } from './vitess-errors.js';

export type { Fault, FaultMode } from './faults.js';
export type { SessionStats, Stats } from './stats.js';
export type { MysqlTarget } from './mysql-backend.js';

export interface PsHttpServerOptions {
  mysql: MysqlTarget;
  /** Loopback only: '127.0.0.1' (default), '::1', 'localhost' or another 127.x address. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Basic-auth user the driver must present. Default 'root'. */
  username?: string;
  /** Basic-auth password the driver must present. Default 'local'. */
  password?: string;
  /** Idle time after which an open transaction is rolled back and its connection returned. Default 30 s. */
  transactionIdleTimeoutMs?: number;
}

export interface PsHttpServer {
  /** e.g. http://root:local@127.0.0.1:3900, usable as the driver's `url`. */
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): Stats;
  resetStats(): void;
  setFault(fault: Fault): void;
}

const STATS_PATH = '/_sim/stats';
const RESET_PATH = '/_sim/reset';
const FAULT_PATH = '/_sim/fault';
const KNOWN_PATHS = new Set([EXECUTE_PATH, CREATE_SESSION_PATH, STATS_PATH, RESET_PATH, FAULT_PATH]);

// Generous for bulk inserts, but bounded so a runaway client cannot exhaust memory.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startPsHttpServer(options: PsHttpServerOptions): Promise<PsHttpServer> {
  const host = options.host ?? '127.0.0.1';
  // The endpoint accepts arbitrary SQL with fixed credentials; it must never be reachable from the network.
  if (!isLoopback(host)) throw new Error(`ps-http: refusing to listen on non-loopback host ${host}`);
  const credentials: Credentials = { username: options.username ?? 'root', password: options.password ?? 'local' };

  const pool = createMysqlPool(options.mysql);
  const stats = new StatsRecorder();
  const faults = new FaultInjector();
  const tokens = new SessionTokens(credentials.username, credentials.password);
  const sessions = new SessionConnections({
    pool,
    target: options.mysql,
    idleTimeoutMs: options.transactionIdleTimeoutMs ?? 30_000,
    onExpired: () => stats.countExpiredTransaction(),
  });
  const api = new DatabaseApi({
    sessions,
    tokens,
    stats,
    database: options.mysql.database,
    callerId: credentials.username,
  });

  async function handleExecute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseJson(await readBody(req, MAX_BODY_BYTES));
    if (!parsed.ok) return sendConnectError(res, 400, 'invalid_argument', 'request body is not valid JSON');
    const body = parseExecuteRequest(parsed.value);
    if (typeof body === 'string') return sendConnectError(res, 400, 'invalid_argument', body);
    const claim = body.session === null ? null : tokens.verify(body.session);

    const fault = faults.take(body.query);
    if (fault.mode !== 'none') {
      stats.countExecute(claim?.id ?? null);
      stats.countFaulted();
      if (fault.mode !== 'mysql-error') return faults.apply(fault.mode, res);
      // As vttablet answers a failed statement; the session (and its transaction) is left as it was.
      const session = claim ? tokens.issue(claim) : tokens.fresh();
      const error = toVitessError(fault.failure, { database: options.mysql.database, callerId: credentials.username, sql: body.query });
      return sendJson(res, 200, { session, error, timing: 0 });
    }
    if (body.session !== null && claim === null) {
      // A forged or foreign session must not be able to reach another session's transaction.
      stats.countExecute(null);
      stats.countSqlError();
      return sendJson(res, 200, { session: tokens.fresh(), error: vtgateError('INVALID_ARGUMENT', 'invalid session'), timing: 0 });
    }
    sendJson(res, 200, await api.execute(body.query, claim));
  }

  async function handleCreateSession(req: IncomingMessage, res: ServerResponse, username: string): Promise<void> {
    await readBody(req, MAX_BODY_BYTES);
    const fault = faults.take(null);
    if (fault.mode !== 'none' && fault.mode !== 'mysql-error') {
      stats.countFaulted();
      return faults.apply(fault.mode, res);
    }
    sendJson(res, 200, api.createSession(username));
  }

  async function handleFault(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return sendJson(res, 200, faults.state());
    const parsed = parseJson(await readBody(req, MAX_BODY_BYTES));
    const fault = parsed.ok ? parseFault(parsed.value) : 'request body is not valid JSON';
    if (typeof fault === 'string') return sendConnectError(res, 400, 'invalid_argument', fault);
    faults.set(fault);
    sendJson(res, 200, faults.state());
  }

  function allowed(req: IncomingMessage, res: ServerResponse, methods: readonly string[]): boolean {
    if (methods.includes(req.method ?? '')) return true;
    sendConnectError(res, 405, 'unimplemented', `method ${req.method ?? ''} not allowed`, { allow: methods.join(', ') });
    return false;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://ps-http.invalid').pathname;
    if (!KNOWN_PATHS.has(path)) return sendConnectError(res, 404, 'not_found', `no such endpoint: ${path}`);

    const presented = parseBasicAuth(req.headers.authorization);
    if (!credentialsMatch(presented, credentials)) {
      stats.countUnauthorized();
      return sendConnectError(res, 401, 'unauthenticated', 'invalid username/password', {
        'www-authenticate': 'Basic realm="ps-http"',
      });
    }

    switch (path) {
      case EXECUTE_PATH:
        if (allowed(req, res, ['POST'])) await handleExecute(req, res);
        return;
      case CREATE_SESSION_PATH:
        if (allowed(req, res, ['POST'])) await handleCreateSession(req, res, credentials.username);
        return;
      case STATS_PATH:
        if (allowed(req, res, ['GET'])) sendJson(res, 200, stats.snapshot(sessions.openTransactions));
        return;
      case RESET_PATH:
        if (allowed(req, res, ['POST'])) {
          stats.reset();
          sendJson(res, 200, { ok: true });
        }
        return;
      case FAULT_PATH:
        if (allowed(req, res, ['GET', 'POST'])) await handleFault(req, res);
        return;
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof BodyTooLargeError) {
        sendConnectError(res, 413, 'resource_exhausted', err.message, { connection: 'close' });
        return;
      }
      sendConnectError(res, 500, 'internal', err instanceof Error ? err.message : String(err));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Held `hang` requests would otherwise keep server.close() waiting forever.
      faults.dropHeld();
      sessions.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      await pool.end();
    })();
    return closing;
  };

  return {
    url: `http://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${urlHost(host)}:${port}`,
    port,
    close,
    stats: () => stats.snapshot(sessions.openTransactions),
    resetStats: () => stats.reset(),
    setFault: (fault: Fault) => faults.set(fault),
  };
}
