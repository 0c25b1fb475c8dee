// Wire shapes of PlanetScale's `psdb.v1alpha1.Database` HTTP API, as consumed by
// @planetscale/database. The real service is a Connect/protojson endpoint, so every
// message follows protojson conventions: 64-bit integers travel as strings, and
// zero values (0, '', false, empty lists, the NULL_TYPE enum) are left out entirely.
// The driver depends on some of those omissions (e.g. it maps a missing field
// `type` to 'NULL'), so the builders in this directory omit zero values too.

export const EXECUTE_PATH = '/psdb.v1alpha1.Database/Execute';
export const CREATE_SESSION_PATH = '/psdb.v1alpha1.Database/CreateSession';

/** A column description (Vitess `query.Field`). */
export interface PsField {
  name: string;
  /** Vitess `query.Type` name; absent for NULL_TYPE, exactly as protojson does it. */
  type?: string;
  table?: string;
  orgTable?: string;
  database?: string;
  orgName?: string;
  columnLength?: number;
  /** MySQL collation id; 63 (binary) is what makes the driver return a Uint8Array. */
  charset?: number;
  decimals?: number;
  flags?: number;
}

/** One row: byte lengths as decimal strings (-1 = NULL) and the concatenated bytes in base64. */
export interface PsRow {
  lengths: string[];
  values?: string;
}

/** Vitess `query.QueryResult`. */
export interface PsQueryResult {
  fields?: PsField[];
  rows?: PsRow[];
  rowsAffected?: string;
  insertId?: string;
}

/** Vitess `vtrpc.RPCError`: `code` is the upper-snake enum name (e.g. ALREADY_EXISTS). */
export interface PsVitessError {
  message: string;
  code: string;
}

/** The opaque session the driver echoes back on every Execute. */
export interface PsSession {
  signature: string;
  vitessSession: PsVitessSession;
}

export interface PsVitessSession {
  sessionUUID: string;
  autocommit: boolean;
  inTransaction?: boolean;
  options: { includedFields: 'ALL'; clientFoundRows: boolean };
}

export interface ExecuteRequestBody {
  query: string;
  session: unknown;
}

export interface ExecuteResponseBody {
  session: PsSession;
  result?: PsQueryResult;
  error?: PsVitessError;
  /** Seconds spent executing; the driver multiplies it by 1000 into `time`. */
  timing: number;
}

export interface CreateSessionResponseBody {
  branch: string;
  user: { username: string; psid: string };
  session: PsSession;
}

/**
 * Parses an Execute body without trusting it: the driver always sends
 * `{ query, session }` with `session: null` on a fresh Connection.
 */
export function parseExecuteRequest(raw: unknown): ExecuteRequestBody | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return 'request body must be a JSON object';
  }
  const { query, session } = raw as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    return 'query must be a non-empty string';
  }
  return { query, session: session ?? null };
}
