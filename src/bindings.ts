/** The names of the string bindings (vars and secrets) the Worker reads; src/config.ts parses them. */
export const BINDING_NAMES = [
  'ENVIRONMENT',
  'VPS_SYNC_API_KEY',
  'VPS_SYNC_API_KEY_PREVIOUS',
  'VPS_SYNC_SIGNING_SECRET',
  'VPS_SYNC_SIGNING_SECRET_PREVIOUS',
  'VPS_SYNC_REQUIRE_SIGNATURE',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_ALGORITHMS',
  'JWT_USER_ID_CLAIM',
  'DATABASE_URL',
  'DATABASE_HOST',
  'DATABASE_USERNAME',
  'DATABASE_PASSWORD',
  'DATABASE_TIMEOUT_MS',
  'CORS_ORIGINS',
] as const;
export type BindingName = (typeof BINDING_NAMES)[number];

/** The Workers Rate Limiting bindings (ratelimits in wrangler.jsonc); without one, that route is not limited. */
export const RATE_LIMIT_BINDINGS = { sync: 'SYNC_RATE_LIMITER', read: 'READ_RATE_LIMITER' } as const;
export type RateLimitBindingName = (typeof RATE_LIMIT_BINDINGS)[keyof typeof RATE_LIMIT_BINDINGS];
