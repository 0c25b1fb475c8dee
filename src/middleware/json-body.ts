import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

/**
 * Accepts only a JSON object body of at most `maxBytes` and stores it as `body`:
 * 415 for another Content-Type, 413 past the limit (hono's bodyLimit also counts streamed
 * bodies without a Content-Length), 400 for an empty body, malformed JSON or a non-object.
 */
export function jsonBody({ maxBytes }: { maxBytes: number }): MiddlewareHandler<AppEnv> {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('jsonBody: maxBytes must be a positive integer');
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, `Request body exceeds ${maxBytes} bytes`);
    },
  });

  return async function jsonBody(c, next) {
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new ApiError(415, 'Content-Type must be application/json');

    await limit(c, async () => {
      const text = await c.req.text();
      if (!text.trim()) throw new ApiError(400, 'Request body is empty; expected a JSON object');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(400, 'Malformed JSON body');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError(400, 'Request body must be a JSON object');
      }
      c.set('body', body);
      await next();
    });
  };
}
