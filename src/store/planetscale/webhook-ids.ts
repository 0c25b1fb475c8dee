import type { Client } from '@planetscale/database';
import { and, eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/planetscale-serverless';
import { webhookIds as ids } from '../../db/schema.mysql';
import { isDuplicateKey, translateDriverErrors } from './errors';
import type { WebhookIdStore } from '../types';

/** Most expired records one purge deletes, so a backlog never becomes one long-running statement. */
const PURGE_BATCH = 10_000;

/** webhook-ids of signed requests on MySQL / PlanetScale. */
export function planetscaleWebhookIdStore(client: Client): WebhookIdStore {
  const db = drizzle({ client });
  return translateDriverErrors<WebhookIdStore>({
    async claim(id, expiresAt, now) {
      try {
        await db.insert(ids).values({ id, expires_at: expiresAt });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Rare path: the id is known. Only an expired record is taken over.
      const taken = await db.update(ids).set({ expires_at: expiresAt }).where(and(eq(ids.id, id), lt(ids.expires_at, now)));
      return taken.rowsAffected > 0;
    },

    async release(id) {
      await db.delete(ids).where(eq(ids.id, id));
    },

    async purgeExpired(now) {
      const result = await db.delete(ids).where(lt(ids.expires_at, now)).limit(PURGE_BATCH);
      return result.rowsAffected;
    },
  });
}
