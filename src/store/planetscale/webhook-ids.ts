import type { Client } from '@planetscale/database';
import { isDuplicateKey, translateDriverErrors } from './errors.js';
import { execute } from './sql.js';
import type { WebhookIdStore } from '../types.js';

/** Most expired records one purge deletes, so a backlog never becomes one long-running statement. */
const PURGE_BATCH = 10_000;

/** webhook-ids of signed requests on MySQL / PlanetScale. */
export function planetscaleWebhookIdStore(client: Client): WebhookIdStore {
  return translateDriverErrors<WebhookIdStore>({
    async claim(id, expiresAt, now) {
      try {
        await execute(client, 'INSERT INTO webhook_ids (id, expires_at) VALUES (?, ?)', [id, expiresAt]);
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Rare path: the id is known. Only an expired record is taken over.
      const taken = await execute(client, 'UPDATE webhook_ids SET expires_at = ? WHERE id = ? AND expires_at < ?', [expiresAt, id, now]);
      return taken.rowsAffected > 0;
    },

    async release(id) {
      await execute(client, 'DELETE FROM webhook_ids WHERE id = ?', [id]);
    },

    async purgeExpired(now) {
      return (await execute(client, `DELETE FROM webhook_ids WHERE expires_at < ? LIMIT ${PURGE_BATCH}`, [now])).rowsAffected;
    },
  });
}
