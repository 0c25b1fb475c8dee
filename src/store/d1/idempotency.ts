import { and, eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { idempotencyKeys as keys } from '../../db/schema.sqlite';
import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS } from '../../contract';
import { translateD1Errors } from './errors';
import { heldKeyOutcome } from '../shared/outcomes';
import type { IdempotencyClaim, IdempotencyStore } from '../types';

/** Idempotency-Key records on D1. */
export function d1IdempotencyStore(binding: D1Database): IdempotencyStore {
  const db = drizzle(binding);
  const store: IdempotencyStore = {
    async claim(key, requestHash, now): Promise<IdempotencyClaim> {
      const claim = { request_hash: requestHash, state: 'in_flight' as const, created_at: now, expires_at: new Date(now.getTime() + IN_FLIGHT_LEASE_MS) };
      const inserted = await db.insert(keys).values({ key, ...claim }).onConflictDoNothing().returning({ key: keys.key });
      if (inserted.length) return { state: 'claimed' };
      // An expired record (an answer past its TTL, or the claim of a request that died) is taken over.
      const taken = await db
        .update(keys)
        .set({ ...claim, response_status: null, response_body: null })
        .where(and(eq(keys.key, key), lt(keys.expires_at, now)))
        .returning({ key: keys.key });
      if (taken.length) return { state: 'claimed' };
      const [row] = await db.select().from(keys).where(eq(keys.key, key));
      if (!row) return store.claim(key, requestHash, now); // purged in between: claim afresh
      return heldKeyOutcome(row, requestHash);
    },

    async complete(key, status, body, now) {
      await db
        .update(keys)
        .set({ state: 'done', response_status: status, response_body: body, expires_at: new Date(now.getTime() + ANSWER_TTL_MS) })
        .where(eq(keys.key, key));
    },

    async release(key) {
      await db.delete(keys).where(and(eq(keys.key, key), eq(keys.state, 'in_flight')));
    },

    async purgeExpired(now) {
      const purged = await db.delete(keys).where(lt(keys.expires_at, now)).returning({ key: keys.key });
      return purged.length;
    },
  };
  return translateD1Errors(store);
}
