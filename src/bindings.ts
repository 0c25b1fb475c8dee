/** Where a binding is set: as a Worker secret, as a var of wrangler.jsonc, or either way. */
export type BindingKind = 'secret' | 'var' | 'secret or var';

/**
 * The string bindings (vars and secrets) the Worker reads, and where each is set (README,
 * "Bindings"); src/config.ts parses them. A `secret` is set with `wrangler secret put` (.dev.vars
 * locally) and never written into wrangler.jsonc: the deploy refuses one among the vars.
 */
export const BINDING_KINDS = {
  ENVIRONMENT: 'var',
  VPS_SYNC_API_KEY: 'secret',
  VPS_SYNC_API_KEY_PREVIOUS: 'secret',
  VPS_SYNC_SIGNING_SECRET: 'secret',
  VPS_SYNC_SIGNING_SECRET_PREVIOUS: 'secret',
  VPS_SYNC_REQUIRE_SIGNATURE: 'var',
  JWT_SECRET: 'secret',
  JWT_JWKS_URL: 'var',
  JWT_ISSUER: 'secret or var',
  JWT_AUDIENCE: 'secret or var',
  JWT_ALGORITHMS: 'var',
  JWT_USER_ID_CLAIM: 'var',
  DATABASE_URL: 'secret',
  DATABASE_HOST: 'secret',
  DATABASE_USERNAME: 'secret',
  DATABASE_PASSWORD: 'secret',
  DATABASE_TIMEOUT_MS: 'var',
  CORS_ORIGINS: 'var',
} as const satisfies Record<string, BindingKind>;
export type BindingName = keyof typeof BINDING_KINDS;

/** The names of the string bindings, in the order of BINDING_KINDS. */
export const BINDING_NAMES = Object.keys(BINDING_KINDS) as readonly BindingName[];

/** The bindings that are secrets: in plain text in wrangler.jsonc they would be in the repository. */
export const SECRET_BINDINGS: readonly BindingName[] = BINDING_NAMES.filter((name) => BINDING_KINDS[name] === 'secret');

/** The Workers Rate Limiting bindings (ratelimits in wrangler.jsonc); without one, that route is not limited. */
export const RATE_LIMIT_BINDINGS = { sync: 'SYNC_RATE_LIMITER', read: 'READ_RATE_LIMITER' } as const;
export type RateLimitBindingName = (typeof RATE_LIMIT_BINDINGS)[keyof typeof RATE_LIMIT_BINDINGS];
