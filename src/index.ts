import { createApp } from './app.js';
import type { Bindings } from './config.js';
import { purgeExpiredIdempotencyKeys, purgeExpiredReconciles, purgeExpiredWebhookIds } from './maintenance.js';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(purgeExpiredIdempotencyKeys(env));
    ctx.waitUntil(purgeExpiredWebhookIds(env));
    ctx.waitUntil(purgeExpiredReconciles(env));
  },
} satisfies ExportedHandler<Bindings>;
