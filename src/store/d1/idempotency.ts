import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS, type IdempotencyState } from '../../contract/index.js';
import { translateD1Errors } from './errors.js';
import { heldKeyOutcome } from '../shared/outcomes.js';
import { d1Sql } from './sql.js';
import type { IdempotencyClaim, IdempotencyStore } from '../types.js';

/** A record as D1 hands it over: timestamps in integer milliseconds. */
interface KeyOnD1 {
  request_hash: string;
  state: IdempotencyState;
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

/**
 * Insert, or take over an expired record (an answer past its TTL, or the claim of a request
 * that died); RETURNING says whether either happened.
 */
const CLAIM =
  'INSERT INTO idempotency_keys ("key", request_hash, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT ("key") DO UPDATE SET request_hash = ?, state = ?, created_at = ?, expires_at = ?, response_status = NULL, response_body = NULL ' +
  'WHERE idempotency_keys.expires_at < ? RETURNING "key"';
const HOLDER = 'SELECT request_hash, state, response_status, response_body, created_at, expires_at FROM idempotency_keys WHERE "key" = ?';
/** The record of a key while the claim made at a given time holds it. */
const HELD_BY = `"key" = ? AND state = 'in_flight' AND created_at = ?`;

/** Idempotency-Key records on D1. */
export function d1IdempotencyStore(binding: D1Database): IdempotencyStore {
  const sql = d1Sql(binding);
  const store: IdempotencyStore = {
    async claim(key, requestHash, now): Promise<IdempotencyClaim> {
      const claim = [requestHash, 'in_flight', now, new Date(now.getTime() + IN_FLIGHT_LEASE_MS)];
      // One batch, one round trip: claim; then read what holds the key if the claim did not happen.
      const [claimed, [row]] = (await sql.batch([sql.statement(CLAIM, [key, ...claim, ...claim, now]), sql.statement(HOLDER, [key])])) as [unknown[], KeyOnD1[]];
      if (claimed.length) return { state: 'claimed' };
      return heldKeyOutcome({ ...row!, created_at: new Date(row!.created_at), expires_at: new Date(row!.expires_at) }, requestHash);
    },

    async complete(key, claimedAt, status, body, now) {
      await sql.run(`UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, expires_at = ? WHERE ${HELD_BY}`, [
        status,
        body,
        new Date(now.getTime() + ANSWER_TTL_MS),
        key,
        claimedAt,
      ]);
    },

    async release(key, claimedAt) {
      await sql.run(`DELETE FROM idempotency_keys WHERE ${HELD_BY}`, [key, claimedAt]);
    },

    async purgeExpired(now) {
      return (await sql.all('DELETE FROM idempotency_keys WHERE expires_at < ? RETURNING "key"', [now])).length;
    },
  };
  return translateD1Errors(store);
}
