import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { log } from '../log.js';

/**
 * One line per request, once its answer is made: method, path, status, duration_ms and, for an
 * error, its code; plus who asked when known: which API key (and whether signed) on sync, the
 * user on the panel's reads. The query string is left out: it is the panel's filters, not who.
 * Workers' clock only moves on I/O, so duration_ms is the time spent waiting, not CPU time.
 * `started` is Date.now() when the request came in.
 */
export function logRequest(c: Context<AppEnv>, started: number): void {
  const status = c.res.status;
  const signature = c.get('signature');
  log[status >= 500 ? 'error' : 'info']('request', {
    request_id: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status,
    duration_ms: Date.now() - started,
    code: c.get('errorCode'),
    api_key: c.get('apiKey'),
    signed: signature?.signed,
    signing_secret: signature?.signed ? signature.secret : undefined,
    user_id: c.get('userId'),
  });
}
