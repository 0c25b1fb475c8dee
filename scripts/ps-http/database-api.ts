import { randomBytes, randomUUID } from 'node:crypto';
import { MultipleResultSetsError, type StatementOutcome } from './mysql-backend.js';
import type { CreateSessionResponseBody, ExecuteResponseBody, PsQueryResult } from './protocol.js';
import { encodeRow } from './rows.js';
import type { SessionClaim, SessionTokens } from './session-token.js';
import type { SessionConnections } from './sessions.js';
import type { StatsRecorder } from './stats.js';
import { toPsField } from './field-types.js';
import { toSqlFailure, toVitessError, vtgateError } from './vitess-errors.js';

export interface DatabaseApiDeps {
  sessions: SessionConnections;
  tokens: SessionTokens;
  stats: StatsRecorder;
  /** Shown as the keyspace in error targets, like `target: <db>.-.primary`. */
  database: string;
  /** Shown as `CallerID:` in error messages; PlanetScale puts the connecting user there. */
  callerId: string;
}

function toResult(outcome: StatementOutcome): PsQueryResult {
  if (outcome.kind === 'ok') {
    const result: PsQueryResult = {};
    if (outcome.affectedRows !== '0') result.rowsAffected = outcome.affectedRows;
    if (outcome.insertId !== '0') result.insertId = outcome.insertId;
    return result;
  }
  const result: PsQueryResult = { fields: outcome.fields.map(toPsField) };
  if (outcome.rows.length > 0) result.rows = outcome.rows.map(encodeRow);
  return result;
}

function seconds(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/**
 * The two RPCs of `psdb.v1alpha1.Database`, independent of HTTP. SQL failures are
 * answers, not transport errors: like PlanetScale they come back as a normal
 * response with an `error` member, which the driver turns into a DatabaseError.
 */
export class DatabaseApi {
  constructor(private readonly deps: DatabaseApiDeps) {}

  createSession(username: string): CreateSessionResponseBody {
    this.deps.stats.countCreateSession();
    return {
      // There are no branches locally; a stable-looking random id keeps the shape.
      branch: randomBytes(6).toString('hex'),
      user: { username, psid: 'ps-http-local' },
      session: this.deps.tokens.fresh(),
    };
  }

  /** `claim` is null for a driver Connection's first statement (it sends `session: null`). */
  async execute(query: string, claim: SessionClaim | null): Promise<ExecuteResponseBody> {
    const { stats, tokens, sessions } = this.deps;
    const startedAt = process.hrtime.bigint();
    const sessionId = claim?.id ?? randomUUID();
    stats.countExecute(sessionId);

    const run = await sessions.run(sessionId, claim?.inTransaction ?? false, query);
    if (run.kind === 'lost-transaction') {
      stats.countSqlError();
      return {
        session: tokens.issue({ id: sessionId, inTransaction: false }),
        error: vtgateError('ABORTED', run.reason),
        timing: seconds(startedAt),
      };
    }

    stats.recordStatement(sessionId, query);
    const session = tokens.issue({ id: sessionId, inTransaction: run.inTransaction });
    if (run.kind === 'sql-error') {
      stats.countSqlError();
      const error =
        run.error instanceof MultipleResultSetsError
          ? vtgateError('UNIMPLEMENTED', run.error.message)
          : toVitessError(toSqlFailure(run.error), { database: this.deps.database, callerId: this.deps.callerId, sql: query });
      return { session, error, timing: seconds(startedAt) };
    }
    return { session, result: toResult(run.outcome), timing: seconds(startedAt) };
  }
}
