import type { Context } from 'hono';

/** What a caller may send as its own request id: as hono/request-id accepts (word characters, `-`, `=`; at most 255). */
const ACCEPTED = /^[\w\-=]{1,255}$/;

/**
 * The request's id: the caller's X-Request-Id when it is one we accept, so the caller's logs and
 * ours correlate; else a fresh UUID.
 */
export function requestIdOf(c: Context): string {
  const sent = c.req.raw.headers.get('X-Request-Id');
  return sent !== null && ACCEPTED.test(sent) ? sent : crypto.randomUUID();
}
