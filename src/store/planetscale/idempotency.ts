import type { Client } from '@planetscale/database';
import { and, eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/planetscale-serverless';
import { idempotencyKeys as keys } from '../../db/schema.mysql';
import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS } from '../../contract';
import { heldKeyOutcome } from '../shared/outcomes';
import { isDuplicateKey, translateDriverErrors } from './errors';
import type { IdempotencyClaim, IdempotencyStore } from '../types';

/** Most expired records one purge deletes, so a backlog never becomes one long-running statement. */
const PURGE_BATCH = 10_000;

/** The record of `key` while the claim made at `claimedAt` holds it. */
const heldBy = (key: string, claimedAt: Date) => and(eq(keys.key, key), eq(keys.state, 'in_flight'), eq(keys.created_at, claimedAt));

/** Idempotency-Key records on MySQL / PlanetScale. */
export function planetscaleIdempotencyStore(client: Client): IdempotencyStore {
  const db = drizzle({ client });
  const store: IdempotencyStore = {
    async claim(key, requestHash, now): Promise<IdempotencyClaim> {
      const claim = { request_hash: requestHash, state: 'in_flight' as const, created_at: now, expires_at: new Date(now.getTime() + IN_FLIGHT_LEASE_MS) };
      try {
        await db.insert(keys).values({ key, ...claim });
        return { state: 'claimed' };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Held: read it first, since a replay or a 409 is far more common than a lapsed record.
      const [row] = await db.select().from(keys).where(eq(keys.key, key));
      if (!row) return store.claim(key, requestHash, now); // purged in between: claim afresh
      if (row.expires_at >= now) return heldKeyOutcome(row, requestHash);
      // An expired record (an answer past its TTL, or the claim of a request that died) is taken
      // over; of two requests doing so at once, the guard lets one through.
      const taken = await db
        .update(keys)
        .set({ ...claim, response_status: null, response_body: null })
        .where(and(eq(keys.key, key), lt(keys.expires_at, now)));
      if (taken.rowsAffected > 0) return { state: 'claimed' };
      return store.claim(key, requestHash, now); // taken over by another request in between: see what it holds
    },

    async complete(key, claimedAt, status, body, now) {
      await db
        .update(keys)
        .set({ state: 'done', response_status: status, response_body: body, expires_at: new Date(now.getTime() + ANSWER_TTL_MS) })
        .where(heldBy(key, claimedAt));
    },

    async release(key, claimedAt) {
      await db.delete(keys).where(heldBy(key, claimedAt));
    },

    async purgeExpired(now) {
      const result = await db.delete(keys).where(lt(keys.expires_at, now)).limit(PURGE_BATCH);
      return result.rowsAffected;
    },
  };
  return translateDriverErrors(store);
}
