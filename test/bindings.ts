import type { BindingName } from '../src/bindings';

/**
 * Every binding the Worker reads, as the test Worker runs with it. The type makes the list
 * complete: a binding added to src/config.ts must be set here too, so a developer's .dev.vars
 * can never reach the suites (test/worker/bindings.test.ts checks it).
 */
export const TEST_BINDINGS = {
  ENVIRONMENT: 'test',
  VPS_SYNC_API_KEY: 'test-api-key-0123456789abcdef0123456789abcdef',
  VPS_SYNC_API_KEY_PREVIOUS: '',
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
