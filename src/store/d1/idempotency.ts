import { and, eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { idempotencyKeys as keys } from '../../db/schema.sqlite';
import { ANSWER_TTL_MS, IN_FLIGHT_LEASE_MS } from '../../contract';
import { translateD1Errors } from './errors';
import { heldKeyOutcome } from '../shared/outcomes';
import type { IdempotencyClaim, IdempotencyStore } from '../types';

/** The record of `key` while the claim made at `claimedAt` holds it. */
const heldBy = (key: string, claimedAt: Date) => and(eq(keys.key, key), eq(keys.state, 'in_flight'), eq(keys.created_at, claimedAt));

/** Idempotency-Key records on D1. */
export function d1IdempotencyStore(binding: D1Database): IdempotencyStore {
  const db = drizzle(binding);
  const store: IdempotencyStore = {
    async claim(key, requestHash, now): Promise<IdempotencyClaim> {
      const claim = { request_hash: requestHash, state: 'in_flight' as const, created_at: now, expires_at: new Date(now.getTime() + IN_FLIGHT_LEASE_MS) };
      // One batch, one round trip: insert, or take over an expired record (an answer past its
      // TTL, or the claim of a request that died); then read what holds the key if neither happened.
      const [claimed, [row]] = await db.batch([
        db
          .insert(keys)
          .values({ key, ...claim })
          .onConflictDoUpdate({ target: keys.key, set: { ...claim, response_status: null, response_body: null }, setWhere: lt(keys.expires_at, now) })
          .returning({ key: keys.key }),
        db.select().from(keys).where(eq(keys.key, key)),
      ]);
      if (claimed.length) return { state: 'claimed' };
      return heldKeyOutcome(row!, requestHash);
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
      const purged = await db.delete(keys).where(lt(keys.expires_at, now)).returning({ key: keys.key });
      return purged.length;
    },
  };
  return translateD1Errors(store);
}
