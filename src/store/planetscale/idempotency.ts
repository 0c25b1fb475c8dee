import type { Client } from '@planetscale/database';
import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS, type IdempotencyState } from '../../contract/index.js';
import { heldKeyOutcome } from '../shared/outcomes.js';
import { isDuplicateKey, translateDriverErrors } from './errors.js';
import { execute, fromDatetime } from './sql.js';
import type { IdempotencyClaim, IdempotencyStore } from '../types.js';

/** Most expired records one purge deletes, so a backlog never becomes one long-running statement. */
const PURGE_BATCH = 10_000;

/** A record as the driver hands it over: DATETIME(3) as text. */
interface KeyOnMysql {
  request_hash: string;
  state: IdempotencyState;
  response_status: number | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

/** The record of a key while the claim made at a given time holds it (`key` is a reserved word in MySQL). */
const HELD_BY = "`key` = ? AND state = 'in_flight' AND created_at = ?";

/** Idempotency-Key records on MySQL / PlanetScale. */
export function planetscaleIdempotencyStore(client: Client): IdempotencyStore {
  const store: IdempotencyStore = {
    async claim(key, requestHash, now): Promise<IdempotencyClaim> {
      const claim = [requestHash, 'in_flight', now, new Date(now.getTime() + IN_FLIGHT_LEASE_MS)];
      try {
        await execute(client, 'INSERT INTO idempotency_keys (`key`, request_hash, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [key, ...claim]);
        return { state: 'claimed' };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Held: read it first, since a replay or a 409 is far more common than a lapsed record.
      const [held] = (
        await execute<KeyOnMysql>(client, 'SELECT request_hash, state, response_status, response_body, created_at, expires_at FROM idempotency_keys WHERE `key` = ?', [key])
      ).rows;
      if (!held) return store.claim(key, requestHash, now); // purged in between: claim afresh
      const row = { ...held, created_at: fromDatetime(held.created_at), expires_at: fromDatetime(held.expires_at) };
      if (row.expires_at >= now) return heldKeyOutcome(row, requestHash);
      // An expired record (an answer past its TTL, or the claim of a request that died) is taken
      // over; of two requests doing so at once, the guard lets one through.
      const taken = await execute(
        client,
        'UPDATE idempotency_keys SET request_hash = ?, state = ?, created_at = ?, expires_at = ?, response_status = NULL, response_body = NULL WHERE `key` = ? AND expires_at < ?',
        [...claim, key, now],
      );
      if (taken.rowsAffected > 0) return { state: 'claimed' };
      return store.claim(key, requestHash, now); // taken over by another request in between: see what it holds
    },

    async complete(key, claimedAt, status, body, now) {
      await execute(client, `UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, expires_at = ? WHERE ${HELD_BY}`, [
        status,
        body,
        new Date(now.getTime() + ANSWER_TTL_MS),
        key,
        claimedAt,
      ]);
    },

    async release(key, claimedAt) {
      await execute(client, `DELETE FROM idempotency_keys WHERE ${HELD_BY}`, [key, claimedAt]);
    },

    async purgeExpired(now) {
      return (await execute(client, `DELETE FROM idempotency_keys WHERE expires_at < ? LIMIT ${PURGE_BATCH}`, [now])).rowsAffected;
    },
  };
  return translateDriverErrors(store);
}
