import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type * as z from 'zod/mini';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { parseOrThrow } from '../validation.js';

// fatal: bytes that are not UTF-8 are refused, never replaced; a leading BOM is dropped (RFC 8259 §8.1).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const malformed = (message: string) => new ApiError('malformed_body', message);

/**
 * Accepts only a JSON object body of at most `maxBytes`, valid against `schema`, and stores
 * the validated value as `body`: 415 for another Content-Type, 413 past the limit (hono's
 * bodyLimit also counts streamed bodies without a Content-Length), 400 `malformed_body` for an
 * empty body, bytes that are not UTF-8, malformed JSON or a non-object, 400 `validation_failed`
 * naming every offending field. Nothing that depends on the body's shape runs before this.
 */
export function jsonBody<S extends z.ZodMiniType>({ maxBytes, schema }: { maxBytes: number; schema: S }): MiddlewareHandler<AppEnv> {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('jsonBody: maxBytes must be a positive integer');
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('payload_too_large', `Request body exceeds ${maxBytes} bytes`);
    },
  });

  return async function jsonBody(c, next) {
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new ApiError('unsupported_media_type', 'Content-Type must be application/json');

    await limit(c, async () => {
      let text: string;
      try {
        text = utf8.decode(await c.req.arrayBuffer());
      } catch (err) {
        if (err instanceof TypeError) throw malformed('Request body is not valid UTF-8');
        throw err;
      }
      if (!text.trim()) throw malformed('Request body is empty; expected a JSON object');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw malformed('Malformed JSON body');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw malformed('Request body must be a JSON object');
      }
      c.set('body', parseOrThrow(schema, body));
      await next();
    });
  };
}
