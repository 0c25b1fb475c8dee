/**
 * Builds the OpenAPI 3.1 document from the zod schemas (requests: vps/schema.ts; answers:
 * openapi/schemas.ts). Run by scripts/openapi.ts; the Worker serves the generated JSON, so
 * neither zod's JSON Schema code nor this file is in the Worker bundle.
 */
import * as z from 'zod/mini';
import {
  answers,
  BOUNDS,
  ERROR_CODES,
  HYPERVISORS,
  IDEMPOTENCY_KEY_PATTERN,
  LIST_LIMIT,
  MAX_SIGNATURES,
  MAX_RECONCILE_ITEMS,
  MAX_SYNC_BODY_BYTES,
  RECONCILE_RUN_TTL_MS,
  reconcileRequest,
  SIGNATURE_TOLERANCE_SECONDS,
  syncRequest,
  vpsCreate,
  vpsDelete,
  vpsUpdate,
  VPS_STATUSES,
} from '../../src/contract/index.js';
import { syncReadPaths, syncReadSchemas } from './sync-read.js';

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schemas of named zod schemas, cross-referenced through #/components/schemas. */
function componentSchemas(schemas: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  // Components are embedded in the document: no per-schema dialect or identifier.
  return Object.fromEntries(Object.entries(out).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

const commaListPattern = (values: readonly string[]) => `^(${values.join('|')})(,(${values.join('|')}))*$`;

const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);

const commonErrors = {
  '500': error('Server misconfigured (a secret missing or too short: the service fails closed), or an unexpected error. No internals; find the request_id in the logs.'),
  '503': {
    ...error('The database is unavailable; retry after Retry-After seconds.'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before retrying.' } },
  },
};
const rateLimited = {
  '429': {
    ...error('Too many requests (`rate_limited`): per API key on sync, per user on the panel\'s reads, as configured for the deployment.'),
    headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1, maximum: 60 }, description: 'Seconds to wait: until the next full minute.' } },
  },
};
const signatureHeaders = [
  {
    name: 'webhook-id',
    in: 'header',
    required: false,
    description: 'Signed requests (Standard Webhooks): a new id for every request, 1 to 255 visible ASCII characters. One already used within the window is refused (`signature_replayed`).',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: false,
    description: `Signed requests: when it was signed, in whole seconds since the Unix epoch; more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from the server's clock is refused (\`signature_timestamp_out_of_window\`).`,
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: false,
    description: `Signed requests: 1 to ${MAX_SIGNATURES} space-separated \`v1,<base64>\` signatures, each base64 of HMAC-SHA256 over \`webhook-id.webhook-timestamp.body\` (the raw body bytes), keyed with the bytes of the base64 after \`whsec_\` in VPS_SYNC_SIGNING_SECRET. Required when VPS_SYNC_REQUIRE_SIGNATURE is true; ignored when no signing secret is set.`,
    schema: { type: 'string' },
  },
];

const bearerErrors = {
  '401': {
    ...error('Missing, malformed, unsigned, wrongly signed or expired token, an algorithm outside the allowlist, no or an unknown kid (JWKS), another scheme, or no user id.'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'RFC 6750 Bearer challenge.' } },
  },
};
/** Spread after commonErrors: the bearer routes' 503 has one more cause. */
const bearerUnavailable = {
  '503': {
    ...error(
      'The database is unavailable (`database_unavailable`), or the identity provider\'s JWKS cannot be fetched (`identity_provider_unavailable`: network error, timeout, not 200, not a JSON key set); retry after Retry-After seconds.',
    ),
    headers: commonErrors['503'].headers,
  },
};

export function buildOpenApiDocument(): JsonSchema {
  const schemas = {
    ...componentSchemas(
      { SyncRequest: syncRequest, SyncCreate: vpsCreate, SyncUpdate: vpsUpdate, SyncDelete: vpsDelete, SyncReconcile: reconcileRequest },
      'input',
    ),
    ...componentSchemas(
      {
        Vps: answers.vps,
        VpsRef: answers.vpsRef,
        SyncResult: answers.syncResult,
        ReconcileResult: answers.reconcileResult,
        VpsList: answers.vpsList,
        VpsOne: answers.vpsOne,
        Health: answers.health,
        Ready: answers.ready,
        Error: answers.error,
        ...syncReadSchemas,
      },
      'output',
    ),
  };

  // Every error code, with its status and meaning, where a client generator will show it.
  const errorSchema = schemas.Error as { properties: Record<string, JsonSchema> };
  errorSchema.properties.code = {
    ...errorSchema.properties.code,
    description: `Stable and machine-readable: switch on it, never on message. ${Object.entries(ERROR_CODES)
      .map(([code, { status, description }]) => `\`${code}\` (${status}): ${description}`)
      .join(' ')}`,
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'vps-sync',
      version: '1.0.0',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'The bridge between the main site (POST /api/vps/sync, X-API-Key) and the control panel (GET /api/vps, Bearer JWT). Every response carries X-Request-Id; every error is the Error envelope.',
    },
    // Relative: the Worker that serves this document (http://localhost:5050 under npm run dev).
    servers: [{ url: '/', description: 'The Worker serving this document' }],
    components: {
      schemas,
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'VPS_SYNC_API_KEY, shared with the main site (>= 32 characters).' },
        WebhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks signature (with webhook-id and webhook-timestamp, see the sync parameters), keyed with VPS_SYNC_SIGNING_SECRET. In addition to the API key, never instead of it; required when VPS_SYNC_REQUIRE_SIGNATURE is true.',
        },
        Bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'HS256/384/512 with JWT_SECRET, or RS256/ES256/EdDSA with a key of the JWT_JWKS_URL set named by the kid header; algorithms limited to JWT_ALGORITHMS; exp required; user id in JWT_USER_ID_CLAIM (default user_id, else a numeric sub).',
        },
      },
    },
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness, without credentials',
          security: [],
          responses: { '200': json(ref('Health'), 'The Worker is up.'), '405': error('Method not allowed (Allow: GET).') },
        },
      },
      '/health/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: every setting valid and the database answering one trivial query in time',
          security: [],
          responses: {
            '200': json(ref('Ready'), 'Ready to serve.'),
            '405': error('Method not allowed (Allow: GET).'),
            '503': error('not_ready: `errors` names each failing part (sync, signing, rate_limits, bearer, database, cors) and why, never a secret or a host.'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          security: [],
          responses: {
            '200': json({ type: 'object' }, 'The OpenAPI 3.1 document.'),
            '405': error('Method not allowed (Allow: GET); OPTIONS is the CORS preflight (any origin).'),
          },
        },
      },
      '/api/vps/sync': {
        post: {
          operationId: 'sync',
          summary: 'The main site pushes a VPS lifecycle event: create, update, delete or reconcile',
          description: `A reconcile lists at most ${MAX_RECONCILE_ITEMS} VPS per request. A longer list is sent in pages 1..N under one client-chosen \`page.reconcile_id\`, in order, each with the same user_id and version: each page applies its creates and updates when it arrives (atomically), and only the page marked \`final\` deletes the user's VPS no page listed (older than the version), atomically, closing the run. A run with no page for ${RECONCILE_RUN_TTL_MS / 60_000} minutes is abandoned and deletes nothing. The last page applied may be sent again (a retry) and is applied again harmlessly. Each page's answer counts that page; the run's totals are their sum.`,
          security: [{ ApiKey: [], WebhookSignature: [] }, { ApiKey: [] }],
          parameters: [
            ...signatureHeaders,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Same key and body: the first answer is replayed (Idempotent-Replayed: true) for 24 hours; another body: 422; still running: 409. 5xx answers are not stored.',
              schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
            },
          ],
          requestBody: {
            required: true,
            description: `JSON, at most ${MAX_SYNC_BODY_BYTES} bytes.`,
            content: { 'application/json': { schema: ref('SyncRequest') } },
          },
          responses: {
            '200': json(
              { oneOf: [ref('SyncResult'), ref('ReconcileResult')] },
              'Update, delete or reconcile (or one reconcile page) done, or a create the panel has already sent again with a newer version and applied as an update of it (applied: true); or an event that changed nothing (applied: false; outcome replayed, stale or already_deleted).',
            ),
            '201': json(ref('SyncResult'), 'VPS created.'),
            '400': error('Validation failed (errors names every field), malformed JSON, empty or non-object body, unknown action, bad Idempotency-Key.'),
            '401': {
              ...error(
                'Missing or wrong X-API-Key (`unauthorized`), or, with a signing secret configured, a missing, malformed, wrong, stale or replayed signature (`signature_missing`, `signature_invalid`, `signature_timestamp_out_of_window`, `signature_replayed`).',
              ),
              headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
            },
            '404': error('No such VPS (`not_found`), or a reconcile page after the first for a reconcile_id with no run (`reconcile_not_found`).'),
            '405': error('Method not allowed (Allow: POST).'),
            '409': error(
              'external_id already used with different data (`external_id_conflict`); a request with this Idempotency-Key still running (`idempotency_key_in_use`, Retry-After); a reconcile page that is not the next of its run (`reconcile_page_out_of_order`) or arrives after its final page (`reconcile_closed`).',
            ),
            '410': error('A reconcile page for a run abandoned after an hour without a page (`reconcile_expired`): it deleted nothing, and this page changed nothing.'),
            '413': error(`Body over ${MAX_SYNC_BODY_BYTES} bytes.`),
            '415': error('Content-Type is not application/json.'),
            '422': error('Idempotency-Key reused with a different body (`idempotency_key_reused`), or a reconcile page whose user_id or version differs from its first page (`reconcile_mismatch`).'),
            ...rateLimited,
            ...commonErrors,
          },
        },
      },
      '/api/vps': {
        get: {
          operationId: 'listVps',
          summary: "The token owner's VPS, newest first",
          security: [{ Bearer: [] }],
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default } },
            { name: 'cursor', in: 'query', required: false, description: 'next_cursor of the previous page.', schema: { type: 'string' } },
            {
              name: 'status',
              in: 'query',
              required: false,
              description: `Only VPS in these statuses: one value or a comma-separated list of ${VPS_STATUSES.join(', ')}.`,
              schema: { type: 'string', pattern: commaListPattern(VPS_STATUSES) },
            },
            {
              name: 'hypervisor',
              in: 'query',
              required: false,
              description: `Only VPS on these hypervisors: one value or a comma-separated list of ${HYPERVISORS.join(', ')}.`,
              schema: { type: 'string', pattern: commaListPattern(HYPERVISORS) },
            },
          ],
          responses: {
            '200': json(ref('VpsList'), 'One page of VPS.'),
            '400': error('Bad limit, cursor, status or hypervisor; an unknown or repeated query parameter (validation_failed).'),
            ...bearerErrors,
            '405': error('Method not allowed (Allow: GET).'),
            ...rateLimited,
            ...commonErrors,
            ...bearerUnavailable,
          },
        },
      },
      '/api/vps/{id}': {
        get: {
          operationId: 'getVps',
          summary: "One of the token owner's VPS",
          security: [{ Bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: BOUNDS.id.min, maximum: BOUNDS.id.max } }],
          responses: {
            '200': json(ref('VpsOne'), 'The VPS.'),
            '400': error('A query parameter was given (validation_failed): it takes none.'),
            ...bearerErrors,
            '404': error("No such VPS, a deleted one, or another user's (never 403)."),
            '405': error('Method not allowed (Allow: GET).'),
            ...rateLimited,
            ...commonErrors,
            ...bearerUnavailable,
          },
        },
      },
      ...syncReadPaths({ ref, json, error, rateLimited, commonErrors, signatureHeaders }),
    },
  };
}
