import type { BindingName } from '../src/bindings.js';

/**
 * Every binding the Worker reads, as the test Worker runs with it. The type makes the list
 * complete: a binding added to src/config.ts must be set here too, so a developer's .dev.vars
 * can never reach the suites (test/worker/bindings.test.ts checks it).
 */
export const TEST_BINDINGS = {
  ENVIRONMENT: 'test',
  VPS_SYNC_API_KEY: 'test-api-key-0123456789abcdef0123456789abcdef',
  VPS_SYNC_API_KEY_PREVIOUS: '',
  // Not signed by default: the suites run as a deployment without a signing secret does;
  // test/worker/sync-signature.test.ts turns signing on per request.
  VPS_SYNC_SIGNING_SECRET: '',
  VPS_SYNC_SIGNING_SECRET_PREVIOUS: '',
  VPS_SYNC_REQUIRE_SIGNATURE: '',
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789abcdef',
  // Set per test to the local JWKS endpoint (test/jwks/server.ts): test/worker/jwks.test.ts.
  JWT_JWKS_URL: '',
  JWT_ISSUER: '',
  JWT_AUDIENCE: '',
  JWT_ALGORITHMS: 'HS256',
  JWT_USER_ID_CLAIM: '',
  DATABASE_URL: '',
  DATABASE_HOST: '',
  DATABASE_USERNAME: '',
  DATABASE_PASSWORD: '',
  DATABASE_TIMEOUT_MS: '',
  CORS_ORIGINS: 'https://panel.example.test',
} as const satisfies Record<BindingName, string>;

/** Signing secrets (`whsec_` + base64 of 32 bytes) the tests configure and sign with. */
export const TEST_SIGNING_SECRET = 'whsec_dGVzdC1zaWduaW5nLXNlY3JldC0wMTIzNDU2Nzg5YWI=';
export const TEST_PREVIOUS_SIGNING_SECRET = 'whsec_cHJldmlvdXMtc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc=';
export const TEST_WRONG_SIGNING_SECRET = 'whsec_d3Jvbmctc2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OWE=';

/**
 * The test Worker's rate limiters (miniflare's, which count for real): the Worker's own two so
 * high that no suite meets them, and two low test-only ones that test/worker/rate-limit.test.ts
 * puts in their place to reach the limit.
 */
export const TEST_RATE_LIMIT = 3;
export const TEST_RATE_LIMITS = {
  SYNC_RATE_LIMITER: { namespace_id: '9001', simple: { limit: 1_000_000, period: 60 } },
  READ_RATE_LIMITER: { namespace_id: '9002', simple: { limit: 1_000_000, period: 60 } },
  TEST_LOW_SYNC_RATE_LIMITER: { namespace_id: '9003', simple: { limit: TEST_RATE_LIMIT, period: 60 } },
  TEST_LOW_READ_RATE_LIMITER: { namespace_id: '9004', simple: { limit: TEST_RATE_LIMIT, period: 60 } },
} as const;

/** Vitest's console filter for the Worker suites: the info lines of src/log.ts (one per request) are dropped, warnings and errors kept. */
export const quietInfoLines = (line: string): false | void => (/^\{"level":"(debug|info)"/.test(line) ? false : undefined);
