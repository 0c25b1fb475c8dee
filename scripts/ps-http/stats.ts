export interface SessionStats {
  /** Execute round trips that carried this session or were assigned it (faulted ones included). */
  executes: number;
  /** SQL actually sent to MySQL for this session, oldest first, capped. */
  statements: string[];
}

export interface Stats {
  /** Authenticated Execute round trips, including those answered by a fault. */
  executes: number;
  createSessions: number;
  /** Requests answered (or held) by an injected fault instead of MySQL. */
  faulted: number;
  /** Requests rejected for missing or wrong credentials. */
  unauthorized: number;
  /** Statements MySQL rejected (returned to the driver as `error`). */
  sqlErrors: number;
  /** Transactions rolled back because their session went idle. */
  expiredTransactions: number;
  /** Sessions currently holding a MySQL connection for an open transaction. */
  openTransactions: number;
  /** SQL actually sent to MySQL, oldest first, capped at `statementLimit`. */
  statements: string[];
  /** How many statements fell off the front of `statements` because of the cap. */
  statementsDropped: number;
  sessions: Record<string, SessionStats>;
}

export interface StatsLimits {
  statementLimit: number;
  sessionLimit: number;
  statementsPerSession: number;
}

export const DEFAULT_STATS_LIMITS: StatsLimits = {
  statementLimit: 1000,
  sessionLimit: 1000,
  statementsPerSession: 200,
};

function pushCapped(list: string[], item: string, cap: number): boolean {
  list.push(item);
  if (list.length <= cap) return false;
  list.shift();
  return true;
}

/**
 * Round-trip accounting for tests ("this code path costs N HTTP calls"). Everything
 * is capped so a long-running dev server cannot grow without bound.
 */
export class StatsRecorder {
  private counters = { executes: 0, createSessions: 0, faulted: 0, unauthorized: 0, sqlErrors: 0, expiredTransactions: 0 };
  private statements: string[] = [];
  private statementsDropped = 0;
  // Map keeps insertion order, which makes evicting the oldest session trivial.
  private sessions = new Map<string, SessionStats>();

  constructor(private readonly limits: StatsLimits = DEFAULT_STATS_LIMITS) {}

  countExecute(sessionId: string | null): void {
    this.counters.executes += 1;
    if (sessionId !== null) this.session(sessionId).executes += 1;
  }

  countCreateSession(): void {
    this.counters.createSessions += 1;
  }

  countFaulted(): void {
    this.counters.faulted += 1;
  }

  countUnauthorized(): void {
    this.counters.unauthorized += 1;
  }

  countSqlError(): void {
    this.counters.sqlErrors += 1;
  }

  countExpiredTransaction(): void {
    this.counters.expiredTransactions += 1;
  }

  recordStatement(sessionId: string, sql: string): void {
    if (pushCapped(this.statements, sql, this.limits.statementLimit)) this.statementsDropped += 1;
    pushCapped(this.session(sessionId).statements, sql, this.limits.statementsPerSession);
  }

  snapshot(openTransactions: number): Stats {
    const sessions: Record<string, SessionStats> = {};
    for (const [id, entry] of this.sessions) {
      sessions[id] = { executes: entry.executes, statements: [...entry.statements] };
    }
    return {
      ...this.counters,
      openTransactions,
      statements: [...this.statements],
      statementsDropped: this.statementsDropped,
      sessions,
    };
  }

  reset(): void {
    this.counters = { executes: 0, createSessions: 0, faulted: 0, unauthorized: 0, sqlErrors: 0, expiredTransactions: 0 };
    this.statements = [];
    this.statementsDropped = 0;
    this.sessions = new Map();
  }

  private session(id: string): SessionStats {
    let entry = this.sessions.get(id);
    if (!entry) {
      entry = { executes: 0, statements: [] };
      this.sessions.set(id, entry);
      if (this.sessions.size > this.limits.sessionLimit) {
        const oldest = this.sessions.keys().next();
        if (!oldest.done) this.sessions.delete(oldest.value);
      }
    }
    return entry;
  }
}
