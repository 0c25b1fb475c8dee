import { translateD1Errors } from './errors.js';
import { d1Sql } from './sql.js';
import type { WebhookIdStore } from '../types.js';

/** One statement: a new id is inserted; an expired record of the same id is taken over. RETURNING says whether either happened. */
const CLAIM = 'INSERT INTO webhook_ids (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = ? WHERE webhook_ids.expires_at < ? RETURNING id';

/** webhook-ids of signed requests on D1. */
export function d1WebhookIdStore(binding: D1Database): WebhookIdStore {
  const sql = d1Sql(binding);
  return translateD1Errors<WebhookIdStore>({
    async claim(id, expiresAt, now) {
      return (await sql.all(CLAIM, [id, expiresAt, expiresAt, now])).length > 0;
    },

    async release(id) {
      await sql.run('DELETE FROM webhook_ids WHERE id = ?', [id]);
    },

    async purgeExpired(now) {
      return (await sql.all('DELETE FROM webhook_ids WHERE expires_at < ? RETURNING id', [now])).length;
    },
  });
}
