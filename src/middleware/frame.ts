import type { MiddlewareHandler } from 'hono';
import { configOf } from '../config.js';
import type { AppEnv } from '../env.js';
import { logRequest } from './access-log.js';
import { requestIdOf } from './request-id.js';

const SECURITY_HEADERS = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
] as const;
const API_HEADERS = [...SECURITY_HEADERS, ['Cache-Control', 'no-store']] as const;

/**
 * What every request gets around its route, in one layer (each layer costs a dispatch on every
 * request): a request id (X-Request-Id, src/middleware/request-id.ts), the headers every answer
 * carries, the parsed configuration (src/config.ts, parsed once per isolate) and, once the answer
 * is made, its access-log line. Nothing here throws: the log line is always written.
 *
 * The headers: JSON is never sniffed as something else, and no URL leaks to another site
 * through Referer; the API's answers are per-user or per-event, never cached. They are set
 * before the answer is made, so it is made with them (set on a finished answer, each would cost
 * Hono a copy of the Response); an answer made without the context (none today) gets them after.
 */
export function frame(): MiddlewareHandler<AppEnv> {
  return async function frame(c, next) {
    const started = Date.now();
    const id = requestIdOf(c);
    c.set('requestId', id);
    c.set('config', configOf(c.env));
    const path = c.req.path;
    const headers = path === '/api' || path.startsWith('/api/') ? API_HEADERS : SECURITY_HEADERS;
    c.header('X-Request-Id', id);
    for (const [name, value] of headers) c.header(name, value);
    await next();
    // All or none of them are there: one look tells.
    if (!c.res.headers.has('X-Content-Type-Options')) {
      c.header('X-Request-Id', id);
      for (const [name, value] of headers) c.header(name, value);
    }
    logRequest(c, started);
  };
}
