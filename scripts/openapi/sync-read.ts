/**
 * The main site's reads (GET under /api/vps/sync) in the OpenAPI document: their component
 * schemas and paths. Kept apart from document.ts, which passes in the parts every route shares.
 */
import { BOUNDS, EXTERNAL_ID, LIST_LIMIT, syncReadList, syncReadOne, syncReadVps } from '../../src/contract/index.js';

type JsonSchema = Record<string, unknown>;

/** What document.ts builds every route's answers from. */
export interface SharedParts {
  ref: (name: string) => JsonSchema;
  json: (schema: JsonSchema, description: string) => JsonSchema;
  error: (description: string) => JsonSchema;
  rateLimited: Record<string, JsonSchema>;
  commonErrors: Record<string, JsonSchema>;
  signatureHeaders: JsonSchema[];
}

/** The zod schemas of the reads' answers, by component name (output side). */
export const syncReadSchemas = { SyncReadVps: syncReadVps, SyncReadOne: syncReadOne, SyncReadList: syncReadList };

export function syncReadPaths({ ref, json, error, rateLimited, commonErrors, signatureHeaders }: SharedParts): Record<string, JsonSchema> {
  const security = [{ ApiKey: [], WebhookSignature: [] }, { ApiKey: [] }];
  const unauthorized = {
    '401': {
      ...error(
        'Missing or wrong X-API-Key (`unauthorized`; a user\'s Bearer token is never accepted here), or, with a signing secret configured, a missing, malformed, wrong, stale or replayed signature over the empty body (`signature_missing`, `signature_invalid`, `signature_timestamp_out_of_window`, `signature_replayed`).',
      ),
      headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
    },
  };
  const methodNotAllowed = { '405': error('Method not allowed (Allow: GET).') };
  const one = json(ref('SyncReadOne'), 'The VPS, live (`deleted: false`) or deleted (`deleted: true` with `deleted_at`).');
  const readNote = 'For the main site (X-API-Key), never for a user\'s token. Deleted VPS are answered with `deleted: true` and `deleted_at`.';

  return {
    '/api/vps/sync/vps': {
      get: {
        operationId: 'syncReadVpsByExternalId',
        summary: 'The main site reads one VPS by its external_id, deleted or not',
        description: `${readNote} Percent-encode the value (\`+\` is a space in a query string).`,
        security,
        parameters: [
          ...signatureHeaders,
          {
            name: 'external_id',
            in: 'query',
            required: true,
            description: 'The main site\'s id of the VPS, as sent on create.',
            schema: { type: 'string', minLength: 1, maxLength: EXTERNAL_ID.maxLength, pattern: EXTERNAL_ID.pattern.source },
          },
        ],
        responses: {
          '200': one,
          '400': error('external_id missing, repeated or invalid, or an unknown query parameter (validation_failed).'),
          ...unauthorized,
          '404': error('No VPS ever had this external_id (`not_found`, errors names `external_id`).'),
          ...methodNotAllowed,
          ...rateLimited,
          ...commonErrors,
        },
      },
    },
    '/api/vps/sync/vps/{id}': {
      get: {
        operationId: 'syncReadVps',
        summary: 'The main site reads one VPS by the panel\'s id, deleted or not',
        description: readNote,
        security,
        parameters: [
          ...signatureHeaders,
          { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: BOUNDS.id.min, maximum: BOUNDS.id.max } },
        ],
        responses: {
          '200': one,
          '400': error('id is not an integer in range, or a query parameter was given (validation_failed).'),
          ...unauthorized,
          '404': error('No VPS ever had this id (`not_found`, errors names `id`).'),
          ...methodNotAllowed,
          ...rateLimited,
          ...commonErrors,
        },
      },
    },
    '/api/vps/sync/users/{user_id}/vps': {
      get: {
        operationId: 'syncReadUserVps',
        summary: 'The main site reads one user\'s VPS for a drift check, newest first, deleted ones included',
        description: `${readNote} Same paging as GET /api/vps: follow next_cursor until it is null. A user without VPS is an empty page, not 404.`,
        security,
        parameters: [
          ...signatureHeaders,
          { name: 'user_id', in: 'path', required: true, schema: { type: 'integer', minimum: BOUNDS.user_id.min, maximum: BOUNDS.user_id.max } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default } },
          { name: 'cursor', in: 'query', required: false, description: 'next_cursor of the previous page.', schema: { type: 'string' } },
          {
            name: 'include_deleted',
            in: 'query',
            required: false,
            description: 'true (default): deleted VPS too, with `deleted: true`; false: live VPS only.',
            schema: { type: 'string', enum: ['true', 'false'], default: 'true' },
          },
        ],
        responses: {
          '200': json(ref('SyncReadList'), 'One page of the user\'s VPS.'),
          '400': error('Bad user_id, limit, cursor or include_deleted; an unknown or repeated query parameter (validation_failed).'),
          ...unauthorized,
          ...methodNotAllowed,
          ...rateLimited,
          ...commonErrors,
        },
      },
    },
  };
}
