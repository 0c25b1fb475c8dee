import type { ServerResponse } from 'node:http';
import type { SqlFailure, VtrpcCode } from './vitess-errors.js';

export type FaultMode = 'none' | 'hang' | 'html502' | 'error500' | 'mysql-error';

export interface Fault {
  mode: FaultMode;
  /** Apply to the next N database requests only, then clear automatically. Omitted = until changed. */
  count?: number;
  /**
   * Apply only to Execute requests whose SQL matches this case-insensitive regular expression
   * (e.g. "^insert into vps "), so a test can fail one statement of an operation and not the
   * others. Omitted = every request. CreateSession never matches a pattern.
   */
  match?: string;
  /**
   * For `mysql-error`: the MySQL errno the statement fails with, answered as vttablet would
   * (its message and sqlstate when known, and the Vitess code of that errno). CreateSession is
   * never faulted by it: it runs no statement.
   */
  errno?: number;
  /** For `mysql-error`: a Vitess code instead of the errno's own, e.g. UNAVAILABLE with errno 1105 (vtgate: no healthy tablet). */
  code?: VtrpcCode;
}

export interface FaultState {
  mode: FaultMode;
  match?: string;
  errno?: number;
  code?: VtrpcCode;
  /** Requests the current fault still applies to; absent when it applies until changed. */
  remaining?: number;
  /** Requests currently held open by `hang`. */
  held: number;
}

const MODES: readonly FaultMode[] = ['none', 'hang', 'html502', 'error500', 'mysql-error'];
const CODES: readonly VtrpcCode[] = [
  'CANCELED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'UNAUTHENTICATED',
];

// What MySQL/MariaDB say for the errnos the tests simulate; anything else gets a generic text.
const MYSQL_ERRORS: ReadonlyMap<number, { sqlState: string; message: string }> = new Map([
  [1040, { sqlState: '08004', message: 'Too many connections' }],
  [1053, { sqlState: '08S01', message: 'Server shutdown in progress' }],
  [1062, { sqlState: '23000', message: "Duplicate entry 'simulated' for key 'simulated'" }],
  [1105, { sqlState: 'HY000', message: 'unknown error: simulated' }],
  [1203, { sqlState: '42000', message: "User already has more than 'max_user_connections' active connections" }],
  [1205, { sqlState: 'HY000', message: 'Lock wait timeout exceeded; try restarting transaction' }],
  [1213, { sqlState: '40001', message: 'Deadlock found when trying to get lock; try restarting transaction' }],
  [1290, { sqlState: 'HY000', message: 'The MariaDB server is running with the --read-only option so it cannot execute this statement' }],
  [1836, { sqlState: 'HY000', message: 'Running in read-only mode' }],
  [1969, { sqlState: '70100', message: 'Query execution was interrupted (max_statement_time exceeded)' }],
  [2002, { sqlState: 'HY000', message: "Can't connect to local server through socket '/run/mysqld/mysqld.sock' (111)" }],
  [2003, { sqlState: 'HY000', message: "Can't connect to server on '127.0.0.1' (111)" }],
  [2006, { sqlState: 'HY000', message: 'Server has gone away' }],
  [2013, { sqlState: 'HY000', message: 'Lost connection to server during query' }],
  [3024, { sqlState: 'HY000', message: 'Query execution was interrupted, maximum statement execution time exceeded' }],
]);

export type TakenFault = { mode: Exclude<FaultMode, 'mysql-error'> } | { mode: 'mysql-error'; failure: SqlFailure };

/** The failure a `mysql-error` fault answers with. */
export function simulatedFailure(fault: Pick<Fault, 'errno' | 'code'>): SqlFailure {
  const errno = fault.errno ?? 1105;
  const known = MYSQL_ERRORS.get(errno) ?? { sqlState: 'HY000', message: `simulated MySQL error ${errno}` };
  return { errno, ...known, ...(fault.code ? { code: fault.code } : {}) };
}

/** Validates untrusted input (the HTTP control endpoint); returns an error message on failure. */
export function parseFault(raw: unknown): Fault | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'fault must be a JSON object';
  const { mode, count, match, errno, code } = raw as Record<string, unknown>;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    return `mode must be one of ${MODES.join(', ')}`;
  }
  if (mode === 'mysql-error') {
    if (typeof errno !== 'number' || !Number.isInteger(errno) || errno < 1 || errno > 65535) return 'errno must be an integer between 1 and 65535';
    if (code !== undefined && code !== null && (typeof code !== 'string' || !(CODES as readonly string[]).includes(code))) {
      return `code must be one of ${CODES.join(', ')}`;
    }
  } else if ((errno ?? null) !== null || (code ?? null) !== null) {
    return 'errno and code apply to mode mysql-error only';
  }
  if (count !== undefined && count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    return 'count must be a positive integer';
  }
  if (match !== undefined && match !== null) {
    if (typeof match !== 'string' || match === '') return 'match must be a non-empty regular expression';
    try {
      new RegExp(match, 'i');
    } catch {
      return 'match must be a valid regular expression';
    }
  }
  const fault: Fault = { mode: mode as FaultMode };
  if (typeof count === 'number') fault.count = count;
  if (typeof match === 'string') fault.match = match;
  if (typeof errno === 'number') fault.errno = errno;
  if (typeof code === 'string') fault.code = code as VtrpcCode;
  return fault;
}

// What an overloaded edge proxy in front of the API sends: HTML, not JSON, so the
// driver has to cope with a body it cannot parse.
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Injects transport-level failures in front of the database API. Faulted requests
 * never reach MySQL, so a test can assert that a retried write was not applied twice.
 */
export class FaultInjector {
  private mode: FaultMode = 'none';
  private remaining: number | null = null;
  private match: RegExp | null = null;
  private failure: Pick<Fault, 'errno' | 'code'> = {};
  private readonly held = new Set<ServerResponse>();

  set(fault: Fault): void {
    const checked = parseFault(fault);
    if (typeof checked === 'string') throw new TypeError(checked);
    // Requests held by a previous `hang` are cut off: a caller that clears the fault wants a clean slate.
    this.dropHeld();
    this.mode = checked.mode;
    this.remaining = checked.mode === 'none' ? null : (checked.count ?? null);
    this.match = checked.mode === 'none' || !checked.match ? null : new RegExp(checked.match, 'i');
    this.failure = checked.mode === 'mysql-error' ? { errno: checked.errno, ...(checked.code ? { code: checked.code } : {}) } : {};
  }


  state(): FaultState {
    const state: FaultState = { mode: this.mode, held: this.held.size };
    if (this.match) state.match = this.match.source;
    if (this.failure.errno !== undefined) state.errno = this.failure.errno;
    if (this.failure.code) state.code = this.failure.code;
    if (this.remaining !== null) state.remaining = this.remaining;
    return state;
  }

  /**
   * Decides the fate of one database request (`query`: its SQL; null for CreateSession),
   * consuming one unit of a counted fault when it applies. A `mysql-error` comes with the
   * statement failure to answer, which the caller renders (it holds the session).
   */
  take(query: string | null): TakenFault {
    const mode = this.mode;
    if (mode === 'none') return { mode };
    if (this.match && (query === null || !this.match.test(query))) return { mode: 'none' };
    if (mode === 'mysql-error' && query === null) return { mode: 'none' };
    const taken: TakenFault = mode === 'mysql-error' ? { mode, failure: simulatedFailure(this.failure) } : { mode };
    if (this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining <= 0) {
        // Auto-clear leaves already-held requests hanging: they model calls that never get an answer.
        this.mode = 'none';
        this.remaining = null;
        this.match = null;
        this.failure = {};
      }
    }
    return taken;
  }

  /** Answers a request according to `mode`; for `hang` it deliberately never answers. */
  apply(mode: Exclude<FaultMode, 'none' | 'mysql-error'>, res: ServerResponse): void {
    switch (mode) {
      case 'hang':
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      case 'html502':
        res.writeHead(502, { 'content-type': 'text/html', connection: 'close' });
        res.end(BAD_GATEWAY_HTML);
        return;
      case 'error500':
        // Connect-style error body without an `error` member, like an upstream failure:
        // the driver reports it as a non-database (UnknownError) failure.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal', message: 'simulated upstream failure (ps-http fault error500)' }));
        return;
    }
  }

  /** Destroys the sockets of held requests; needed on clear and on shutdown so nothing waits forever. */
  dropHeld(): void {
    for (const res of this.held) {
      res.socket?.destroy();
      res.destroy();
    }
    this.held.clear();
  }
}
