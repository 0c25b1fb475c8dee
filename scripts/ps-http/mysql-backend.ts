import mysql from 'mysql2/promise';
import type { FieldPacket, Pool, PoolConnection, QueryResult, ResultSetHeader, TypeCast } from 'mysql2/promise';
import { toRawRow, type RawRow } from './rows.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /**
   * Session time zone applied to every backend connection. PlanetScale runs in UTC,
   * so TIMESTAMP values read back identically only if the local server does too.
   * `null` keeps the server's own setting.
   */
  timeZone?: string | null;
  connectionLimit?: number;
}

export type StatementOutcome =
  | { kind: 'rows'; fields: FieldPacket[]; rows: RawRow[] }
  | { kind: 'ok'; affectedRows: string; insertId: string; serverStatus: number };

export class MultipleResultSetsError extends Error {
  constructor() {
    super('Multi-Resultset not supported in stored procedure');
    this.name = 'MultipleResultSetsError';
  }
}

const SERVER_STATUS_IN_TRANS = 1;
const SERVER_STATUS_AUTOCOMMIT = 2;

/**
 * True when the connection is holding transactional state that must not be handed to
 * another session: an open transaction, or autocommit switched off (the next statement
 * would silently open one).
 */
export function holdsTransaction(serverStatus: number): boolean {
  return (serverStatus & SERVER_STATUS_IN_TRANS) !== 0 || (serverStatus & SERVER_STATUS_AUTOCOMMIT) === 0;
}

// Vitess forwards the text-protocol bytes untouched, so the rows are taken before
// mysql2 parses them into JS values; that keeps DECIMAL digits, DATETIME fractions,
// BIGINT precision and binary data byte-exact.
const rawBytes: TypeCast = (field) => field.buffer();

export function createMysqlPool(target: MysqlTarget): Pool {
  return mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    // utf8mb4 so emoji and other 4-byte characters survive in both directions.
    charset: 'utf8mb4',
    // These only matter where the raw typeCast does not apply (OK-packet insertId and
    // affectedRows); they keep 64-bit counters exact there as well.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    // PlanetScale executes exactly one statement per Execute call.
    multipleStatements: false,
    connectionLimit: target.connectionLimit ?? 10,
    waitForConnections: true,
    enableKeepAlive: true,
  });
}

const prepared = new WeakSet<object>();

/** Takes a pooled connection and makes sure its session settings match PlanetScale's. */
export async function acquire(pool: Pool, target: MysqlTarget): Promise<PoolConnection> {
  const conn = await pool.getConnection();
  const timeZone = target.timeZone === undefined ? '+00:00' : target.timeZone;
  // The promise wrapper is recreated per checkout; the underlying connection is the stable identity.
  if (timeZone !== null && !prepared.has(conn.connection)) {
    try {
      await conn.query('SET time_zone = ?', [timeZone]);
    } catch (err) {
      conn.release();
      throw err;
    }
    prepared.add(conn.connection);
  }
  return conn;
}

function isResultSetHeader(result: QueryResult): result is ResultSetHeader {
  return !Array.isArray(result) && typeof (result as ResultSetHeader).affectedRows === 'number';
}

function okOutcome(header: ResultSetHeader): StatementOutcome {
  // With bigNumberStrings mysql2 may hand back strings for values beyond 2^53.
  const affected: unknown = header.affectedRows;
  const insertId: unknown = header.insertId;
  return { kind: 'ok', affectedRows: String(affected ?? 0), insertId: String(insertId ?? 0), serverStatus: header.serverStatus };
}

export async function runStatement(conn: PoolConnection, sql: string): Promise<StatementOutcome> {
  const [result, fields] = await conn.query<QueryResult>({ sql, rowsAsArray: true, typeCast: rawBytes });
  if (isResultSetHeader(result)) return okOutcome(result);
  // A CALL that returns rows yields nested result sets; Vitess refuses those too.
  const columns: unknown[] = fields ?? [];
  if (columns.some((column) => column === undefined || Array.isArray(column))) {
    throw new MultipleResultSetsError();
  }
  const rows = (result as unknown[]).map((row) => toRawRow(Array.isArray(row) ? row : []));
  return { kind: 'rows', fields: fields ?? [], rows };
}
