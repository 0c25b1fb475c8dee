import type { PsVitessError } from './protocol.js';

/** Vitess `vtrpc.Code` names that a MySQL error can be classified as. */
export type VtrpcCode =
  | 'CANCELED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED';

// vttablet classifies MySQL errnos into gRPC codes; callers (and retry logic) key off
// that classification, so the common errnos are mirrored here. Anything not listed is UNKNOWN.
const CODE_BY_ERRNO: ReadonlyMap<number, VtrpcCode> = new Map<number, VtrpcCode>([
  // duplicates
  [1007, 'ALREADY_EXISTS'], // database exists
  [1022, 'ALREADY_EXISTS'], // duplicate key
  [1050, 'ALREADY_EXISTS'], // table exists
  [1062, 'ALREADY_EXISTS'], // duplicate entry
  [1586, 'ALREADY_EXISTS'], // duplicate entry (with key name)
  // missing objects
  [1049, 'NOT_FOUND'], // unknown database
  [1051, 'NOT_FOUND'], // unknown table
  [1054, 'NOT_FOUND'], // unknown column
  [1146, 'NOT_FOUND'], // no such table
  [1176, 'NOT_FOUND'], // key not found
  [1305, 'NOT_FOUND'], // routine does not exist
  // bad statements and bad data
  [1048, 'INVALID_ARGUMENT'], // column cannot be null
  [1052, 'INVALID_ARGUMENT'], // ambiguous column
  [1060, 'INVALID_ARGUMENT'], // duplicate column name
  [1061, 'INVALID_ARGUMENT'], // duplicate key name
  [1064, 'INVALID_ARGUMENT'], // parse error
  [1067, 'INVALID_ARGUMENT'], // invalid default
  [1110, 'INVALID_ARGUMENT'], // column specified twice
  [1136, 'INVALID_ARGUMENT'], // column count mismatch
  [1149, 'INVALID_ARGUMENT'], // syntax error
  [1241, 'INVALID_ARGUMENT'], // operand should contain N columns
  [1242, 'INVALID_ARGUMENT'], // subquery returns more than one row
  [1264, 'INVALID_ARGUMENT'], // out of range value
  [1265, 'INVALID_ARGUMENT'], // data truncated
  [1292, 'INVALID_ARGUMENT'], // truncated incorrect value
  [1364, 'INVALID_ARGUMENT'], // field has no default
  [1366, 'INVALID_ARGUMENT'], // incorrect value for column
  [1406, 'INVALID_ARGUMENT'], // data too long
  [1411, 'INVALID_ARGUMENT'], // incorrect value for function
  [1690, 'INVALID_ARGUMENT'], // value out of range
  [3140, 'INVALID_ARGUMENT'], // invalid JSON text (MySQL)
  [3819, 'INVALID_ARGUMENT'], // check constraint violated (MySQL)
  [4025, 'INVALID_ARGUMENT'], // check constraint failed (MariaDB, also JSON_VALID checks)
  // state that has to change first
  [1046, 'FAILED_PRECONDITION'], // no database selected
  [1216, 'FAILED_PRECONDITION'], // foreign key: no parent row
  [1217, 'FAILED_PRECONDITION'], // foreign key: row is referenced
  [1451, 'FAILED_PRECONDITION'], // foreign key: row is referenced
  [1452, 'FAILED_PRECONDITION'], // foreign key: no parent row
  [1792, 'FAILED_PRECONDITION'], // read-only transaction
  // permissions
  [1044, 'PERMISSION_DENIED'],
  [1045, 'PERMISSION_DENIED'],
  [1142, 'PERMISSION_DENIED'],
  [1143, 'PERMISSION_DENIED'],
  [1227, 'PERMISSION_DENIED'],
  // concurrency: a deadlock rolls the transaction back, a lock wait just gives up
  [1213, 'ABORTED'],
  [1205, 'DEADLINE_EXCEEDED'],
  [1969, 'DEADLINE_EXCEEDED'], // MariaDB max_statement_time
  [3024, 'DEADLINE_EXCEEDED'], // MySQL max_execution_time
  [1317, 'CANCELED'], // query interrupted
  // capacity
  [1040, 'RESOURCE_EXHAUSTED'],
  [1041, 'RESOURCE_EXHAUSTED'],
  [1114, 'RESOURCE_EXHAUSTED'],
  [1153, 'RESOURCE_EXHAUSTED'],
  [1203, 'RESOURCE_EXHAUSTED'],
  // the backend itself is gone
  [1053, 'UNAVAILABLE'],
  [2002, 'UNAVAILABLE'],
  [2003, 'UNAVAILABLE'],
  [2006, 'UNAVAILABLE'],
  [2013, 'UNAVAILABLE'],
  [1235, 'UNIMPLEMENTED'], // not supported yet
]);

export function codeForErrno(errno: number): VtrpcCode {
  return CODE_BY_ERRNO.get(errno) ?? 'UNKNOWN';
}

/** gRPC's Go `codes.Code.String()` spelling, which is what appears after `code =` in Vitess messages. */
export function grpcCodeName(code: VtrpcCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** What is known about a failed statement, independent of which client library raised it. */
export interface SqlFailure {
  errno: number;
  sqlState: string;
  message: string;
  code?: VtrpcCode;
}

export interface ErrorContext {
  database: string;
  callerId: string;
  sql: string;
}

const MAX_SQL_IN_MESSAGE = 1024;

/**
 * Renders the message shape vttablet produces, so code that greps for
 * `(errno 1062)` or `code = AlreadyExists` works unchanged against this simulator.
 */
export function toVitessError(failure: SqlFailure, context: ErrorContext): PsVitessError {
  const code = failure.code ?? codeForErrno(failure.errno);
  const sql = context.sql.length > MAX_SQL_IN_MESSAGE ? `${context.sql.slice(0, MAX_SQL_IN_MESSAGE)} [TRUNCATED]` : context.sql;
  const message =
    `target: ${context.database}.-.primary: vttablet: rpc error: code = ${grpcCodeName(code)} ` +
    `desc = ${failure.message} (errno ${failure.errno}) (sqlstate ${failure.sqlState}) ` +
    `(CallerID: ${context.callerId}): Sql: ${JSON.stringify(sql)}, BindVars: {REDACTED}`;
  return { message, code };
}

/** Errors raised before MySQL saw the statement (vtgate-level), without a target prefix. */
export function vtgateError(code: VtrpcCode, description: string, errno = 1105, sqlState = 'HY000'): PsVitessError {
  return {
    message: `vtgate: rpc error: code = ${grpcCodeName(code)} desc = ${description} (errno ${errno}) (sqlstate ${sqlState})`,
    code,
  };
}

function hasNumber(value: object, key: string): boolean {
  return typeof (value as Record<string, unknown>)[key] === 'number';
}

function hasString(value: object, key: string): boolean {
  return typeof (value as Record<string, unknown>)[key] === 'string';
}

/** Socket failures after the connection was up: the statement may or may not have run. */
const LOST_CONNECTION = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE']);

/**
 * Normalises a thrown value. MySQL server errors carry errno + sqlState; client-side
 * failures (refused connection, lost socket) do not and are reported like Vitess
 * reports an unreachable tablet: UNAVAILABLE with the client errno 2002 (cannot connect, as
 * vttablet reports its own MySQL socket) or 2013 (lost during the statement).
 */
export function toSqlFailure(err: unknown): SqlFailure {
  if (typeof err === 'object' && err !== null && hasNumber(err, 'errno') && hasString(err, 'sqlState')) {
    const e = err as { errno: number; sqlState: string; sqlMessage?: unknown; message?: unknown };
    const message = typeof e.sqlMessage === 'string' ? e.sqlMessage : String(e.message);
    return { errno: e.errno, sqlState: e.sqlState, message };
  }
  const message = err instanceof Error ? err.message || String((err as { code?: unknown }).code ?? err.name) : String(err);
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const lost = typeof code === 'string' && LOST_CONNECTION.has(code);
  return { errno: lost ? 2013 : 2002, sqlState: 'HY000', message, code: 'UNAVAILABLE' };
}
