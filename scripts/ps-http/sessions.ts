import type { Pool, PoolConnection } from 'mysql2/promise';
import { KeyedLock } from './keyed-lock.js';
import { acquire, holdsTransaction, runStatement, type MysqlTarget, type StatementOutcome } from './mysql-backend.js';

export type SessionRunResult =
  | { kind: 'ok'; outcome: StatementOutcome; inTransaction: boolean }
  | { kind: 'sql-error'; error: unknown; inTransaction: boolean }
  /** The client believes it is in a transaction the server no longer has (timed out, or server restarted). */
  | { kind: 'lost-transaction'; reason: string };

interface Binding {
  conn: PoolConnection;
  timer: NodeJS.Timeout | null;
}

export interface SessionConnectionsOptions {
  pool: Pool;
  target: MysqlTarget;
  /** How long a session may sit idle inside a transaction before it is rolled back. */
  idleTimeoutMs: number;
  onExpired?: (sessionId: string) => void;
}

const ROLLBACK_ONLY = /^\s*rollback(\s+work)?\s*;?\s*$/i;

function isFatal(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { fatal?: unknown }).fatal === true;
}

/**
 * Maps PlanetScale sessions onto MySQL connections. Outside a transaction a session
 * owns nothing and each statement borrows any pooled connection; once a statement
 * leaves the connection inside a transaction (BEGIN, START TRANSACTION, autocommit=0)
 * that connection stays with the session until the transaction ends or the session
 * goes idle for too long.
 *
 * Transaction state is read from the server status flags of MySQL's OK packet rather
 * than by parsing SQL, so every way of opening or ending a transaction (including the
 * implicit commit of DDL) is handled the way the server itself sees it.
 */
export class SessionConnections {
  private readonly bound = new Map<string, Binding>();
  private readonly lock = new KeyedLock();
  private closed = false;

  constructor(private readonly options: SessionConnectionsOptions) {}

  get openTransactions(): number {
    return this.bound.size;
  }

  run(sessionId: string, claimsTransaction: boolean, sql: string): Promise<SessionRunResult> {
    return this.lock.run(sessionId, () => this.runLocked(sessionId, claimsTransaction, sql));
  }

  private async runLocked(sessionId: string, claimsTransaction: boolean, sql: string): Promise<SessionRunResult> {
    if (this.closed) return { kind: 'sql-error', error: new Error('server is shutting down'), inTransaction: false };
    const binding = this.bound.get(sessionId);
    if (binding) this.stopTimer(binding);

    if (!binding && claimsTransaction && !ROLLBACK_ONLY.test(sql)) {
      // Running the statement in autocommit mode would silently break the caller's atomicity.
      return { kind: 'lost-transaction', reason: `transaction for session ${sessionId} was rolled back after being idle or after a restart` };
    }

    let conn: PoolConnection;
    try {
      conn = binding?.conn ?? (await acquire(this.options.pool, this.options.target));
    } catch (error) {
      return { kind: 'sql-error', error, inTransaction: false };
    }

    try {
      const outcome = await runStatement(conn, sql);
      // Row-returning statements carry no status flags, and never end a transaction.
      const inTransaction = outcome.kind === 'ok' ? holdsTransaction(outcome.serverStatus) : binding !== undefined;
      this.settle(sessionId, conn, inTransaction);
      return { kind: 'ok', outcome, inTransaction };
    } catch (error) {
      if (isFatal(error)) {
        // The socket is gone and MySQL has rolled back whatever was open.
        this.bound.delete(sessionId);
        conn.destroy();
        return { kind: 'sql-error', error, inTransaction: false };
      }
      // A failed statement does not end an open transaction; the client decides (usually ROLLBACK).
      const inTransaction = binding !== undefined;
      this.settle(sessionId, conn, inTransaction);
      return { kind: 'sql-error', error, inTransaction };
    }
  }

  private settle(sessionId: string, conn: PoolConnection, inTransaction: boolean): void {
    if (!inTransaction) {
      this.bound.delete(sessionId);
      conn.release();
      return;
    }
    const binding = this.bound.get(sessionId) ?? { conn, timer: null };
    this.bound.set(sessionId, binding);
    const timer: NodeJS.Timeout = setTimeout(() => void this.expire(sessionId, timer), this.options.idleTimeoutMs);
    // An abandoned transaction must not keep a test runner or CLI process alive.
    timer.unref();
    binding.timer = timer;
  }

  private stopTimer(binding: Binding): void {
    if (binding.timer) clearTimeout(binding.timer);
    binding.timer = null;
  }

  private expire(sessionId: string, timer: NodeJS.Timeout): Promise<void> {
    return this.lock.run(sessionId, async () => {
      const binding = this.bound.get(sessionId);
      // A statement may have run (and re-armed or released) while this callback waited for the lock.
      if (!binding || binding.timer !== timer) return;
      this.bound.delete(sessionId);
      await this.rollbackAndRelease(binding.conn);
      this.options.onExpired?.(sessionId);
    });
  }

  private async rollbackAndRelease(conn: PoolConnection): Promise<void> {
    try {
      await conn.query('ROLLBACK');
      // autocommit=0 would otherwise leak into the next borrower.
      await conn.query('SET autocommit = 1');
      conn.release();
    } catch {
      conn.destroy();
    }
  }

  /** Closing a connection makes MySQL roll back its transaction, so no explicit ROLLBACK is needed. */
  close(): void {
    this.closed = true;
    for (const binding of this.bound.values()) {
      this.stopTimer(binding);
      binding.conn.destroy();
    }
    this.bound.clear();
  }
}
