import { eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { webhookIds as ids } from '../../db/schema.sqlite';
import { translateD1Errors } from './errors';
import type { WebhookIdStore } from '../types';

/** webhook-ids of signed requests on D1. */
export function d1WebhookIdStore(binding: D1Database): WebhookIdStore {
  const db = drizzle(binding);
  return translateD1Errors<WebhookIdStore>({
    async claim(id, expiresAt, now) {
      // One statement: a new id is inserted; an expired record of the same id is taken over.
      const claimed = await db
        .insert(ids)
        .values({ id, expires_at: expiresAt })
        .onConflictDoUpdate({ target: ids.id, set: { expires_at: expiresAt }, setWhere: lt(ids.expires_at, now) })
        .returning({ id: ids.id });
      return claimed.length > 0;
    },

    async release(id) {
      await db.delete(ids).where(eq(ids.id, id));
    },

    async purgeExpired(now) {
      const purged = await db.delete(ids).where(lt(ids.expires_at, now)).returning({ id: ids.id });
      return purged.length;
    },
  });
}
