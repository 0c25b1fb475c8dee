import type { MiddlewareHandler } from 'hono';
import { configOf } from '../config';
import type { AppEnv } from '../env';

/** Puts the parsed configuration (src/config.ts) on the context; parsing happens once per isolate. */
export function withConfig(): MiddlewareHandler<AppEnv> {
  return async function withConfig(c, next) {
    c.set('config', configOf(c.env));
    await next();
  };
}
