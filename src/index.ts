import { createApp } from './app';
import type { Bindings } from './config';
import { purgeExpiredIdempotencyKeys } from './maintenance';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(purgeExpiredIdempotencyKeys(env));
  },
} satisfies ExportedHandler<Bindings>;
