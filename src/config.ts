/**
 * Every binding the Worker reads, parsed once per `env` object (once per isolate in
 * production) with zod/mini. A section that is missing or invalid does not crash the isolate:
 * the routes that need it fail closed with one `misconfigured` answer, and the reason (never
 * the secret) is logged once.
 */
import * as z from 'zod/mini';
import { BINDING_NAMES, RATE_LIMIT_BINDINGS, type BindingName, type RateLimitBindingName } from './bindings.js';
import { decodeSigningSecret } from './contract/signature.js';
import { SHIPPED_SECRETS } from './shipped-secrets.js';
import { misconfigured } from './errors.js';
import { log } from './log.js';

/** Minimum length of the shared secrets; the integration documents require 32. */
export const MIN_SECRET_LENGTH = 32;

export { BINDING_NAMES, RATE_LIMIT_BINDINGS, type BindingName };

/**
 * The string bindings; `DB` is the D1 binding. Secrets are optional: a missing one fails closed.
 * A rate limiter may be absent too: that route is then not limited.
 */
export type Bindings = Omit<Env, RateLimitBindingName> & Partial<Record<BindingName, string>> & Partial<Record<RateLimitBindingName, RateLimit>>;

/** Verified with JWT_SECRET. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/** Verified with a public key of the JWT_JWKS_URL key set. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export const JWT_ALGORITHMS = [...HMAC_ALGORITHMS, ...JWKS_ALGORITHMS] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export const isHmacAlgorithm = (alg: JwtAlgorithm): alg is HmacAlgorithm => (HMAC_ALGORITHMS as readonly string[]).includes(alg);

/** Default and bounds of DATABASE_TIMEOUT_MS: the driver has none, and a hung database must not hang the Worker. */
export const DATABASE_TIMEOUT_MS = { default: 5000, min: 100, max: 60_000 } as const;

export interface SyncConfig {
  /** The current key first, then the one being rotated out. */
  apiKeys: readonly string[];
}

/** Signed sync requests (Standard Webhooks); `null` in Config when no signing secret is set. */
export interface SigningConfig {
  /** The current secret's key bytes first, then the one being rotated out. */
  secrets: readonly Uint8Array<ArrayBuffer>[];
  /** Unsigned requests are refused (the API key alone no longer suffices). */
  required: boolean;
}

/** The Workers Rate Limiting bindings present; a missing one leaves its route unlimited. */
export interface RateLimitConfig {
  sync?: RateLimit;
  read?: RateLimit;
}

export interface BearerConfig {
  /** The allowlist: HMAC ones only with `secret`, the others only with `jwksUrl`. */
  algorithms: JwtAlgorithm[];
  secret?: string;
  jwksUrl?: URL;
  /** Claims tried in order; the first one present in a token decides its user id. */
  userIdClaims: readonly string[];
  issuer?: string;
  audience?: string;
}

export type DatabaseConfig =
  | { kind: 'd1'; binding: D1Database }
  | {
      kind: 'planetscale';
      connection: { url: string } | { host: string; username: string; password: string };
      timeoutMs: number;
    };

/** A parsed section, or why it cannot be used. */
export type Section<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Where the Worker runs: only `development` (wrangler dev) and `test` accept the secrets this repository ships. */
export const ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface Config {
  /** Unset means production: a deployment that forgot it fails closed on a shipped secret. */
  environment: Environment;
  sync: Section<SyncConfig>;
  /** `null`: no signing secret, requests are not signed (any webhook-* headers are ignored). */
  signing: Section<SigningConfig | null>;
  rateLimits: Section<RateLimitConfig>;
  bearer: Section<BearerConfig>;
  database: Section<DatabaseConfig>;
  /** Origins allowed to call the panel's routes from a browser. */
  corsOrigins: Section<readonly string[]>;
}

/** An unset binding and an empty one mean the same: not configured. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(schema),
  );

const secret = (name: BindingName) =>
  z.string({ error: `${name} is not set` }).check(
    z.minLength(1, `${name} is not set`),
    z.minLength(MIN_SECRET_LENGTH, `${name} is shorter than ${MIN_SECRET_LENGTH} characters`),
  );

const commaList = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const syncSchema = z.object({
  VPS_SYNC_API_KEY: secret('VPS_SYNC_API_KEY'),
  VPS_SYNC_API_KEY_PREVIOUS: optional(secret('VPS_SYNC_API_KEY_PREVIOUS')),
});

/** http is accepted only for the local machine (tests, development); anything else needs https. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const jwksUrlMessage = 'JWT_JWKS_URL must be an https URL (http only for localhost)';
function isJwksUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
}

const signingSecret = (name: BindingName) =>
  z.string().check(
    z.refine((v) => typeof decodeSigningSecret(v) !== 'string', {
      error: (issue) => `${name} ${decodeSigningSecret(String(issue.input))}`,
    }),
  );

const signingSchema = z.object({
  VPS_SYNC_SIGNING_SECRET: optional(signingSecret('VPS_SYNC_SIGNING_SECRET')),
  VPS_SYNC_SIGNING_SECRET_PREVIOUS: optional(signingSecret('VPS_SYNC_SIGNING_SECRET_PREVIOUS')),
  VPS_SYNC_REQUIRE_SIGNATURE: optional(z.enum(['true', 'false'], { error: 'VPS_SYNC_REQUIRE_SIGNATURE must be true or false' })),
});

const bearerSchema = z.object({
  JWT_SECRET: optional(secret('JWT_SECRET')),
  JWT_JWKS_URL: optional(z.string().check(z.refine(isJwksUrl, jwksUrlMessage))),
  JWT_ALGORITHMS: optional(
    z.pipe(
      z.string(),
      z.pipe(
        z.transform(commaList),
        z.array(z.enum(JWT_ALGORITHMS, { error: `JWT_ALGORITHMS must list only ${JWT_ALGORITHMS.join(', ')}` })).check(z.minLength(1, 'JWT_ALGORITHMS is empty')),
      ),
    ),
  ),
  JWT_USER_ID_CLAIM: optional(z.string().check(z.maxLength(200, 'JWT_USER_ID_CLAIM is longer than 200 characters'))),
  JWT_ISSUER: optional(z.string()),
  JWT_AUDIENCE: optional(z.string()),
});

/** Unset: `user_id`, else a numeric `sub` (as tokens were read before the setting existed). */
const DEFAULT_USER_ID_CLAIMS = ['user_id', 'sub'] as const;

function bearerConfig(p: z.output<typeof bearerSchema>): BearerConfig | string {
  if (!p.JWT_SECRET && !p.JWT_JWKS_URL) return 'JWT_SECRET is not set, nor JWT_JWKS_URL: bearer tokens need one of them';
  const algorithms = p.JWT_ALGORITHMS
    ? [...new Set(p.JWT_ALGORITHMS)]
    : [...(p.JWT_SECRET ? (['HS256'] as const) : []), ...(p.JWT_JWKS_URL ? JWKS_ALGORITHMS : [])];
  for (const alg of algorithms) {
    if (isHmacAlgorithm(alg) && !p.JWT_SECRET) return `JWT_ALGORITHMS lists ${alg} but JWT_SECRET is not set`;
    if (!isHmacAlgorithm(alg) && !p.JWT_JWKS_URL) return `JWT_ALGORITHMS lists ${alg} but JWT_JWKS_URL is not set`;
  }
  return {
    algorithms,
    ...(p.JWT_SECRET ? { secret: p.JWT_SECRET } : {}),
    ...(p.JWT_JWKS_URL ? { jwksUrl: new URL(p.JWT_JWKS_URL) } : {}),
    userIdClaims: p.JWT_USER_ID_CLAIM ? [p.JWT_USER_ID_CLAIM] : DEFAULT_USER_ID_CLAIMS,
    ...(p.JWT_ISSUER ? { issuer: p.JWT_ISSUER } : {}),
    ...(p.JWT_AUDIENCE ? { audience: p.JWT_AUDIENCE } : {}),
  };
}

/** The PlanetScale driver connects to the URL's host with its user and password: a URL without them cannot work. */
const databaseUrlMessage = 'DATABASE_URL must be a URL with a user, a password and a host: mysql://user:password@host/database';
function isDatabaseUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.hostname !== '' && url.username !== '' && url.password !== '';
}

const timeoutMessage = `DATABASE_TIMEOUT_MS must be a whole number of milliseconds from ${DATABASE_TIMEOUT_MS.min} to ${DATABASE_TIMEOUT_MS.max}`;
const planetscaleSchema = z.object({
  DATABASE_URL: optional(z.string().check(z.refine(isDatabaseUrl, databaseUrlMessage))),
  DATABASE_HOST: optional(z.string()),
  DATABASE_USERNAME: optional(z.string()),
  DATABASE_PASSWORD: optional(z.string()),
  DATABASE_TIMEOUT_MS: optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,6}$/, timeoutMessage)),
      z.pipe(z.transform(Number), z.int().check(z.gte(DATABASE_TIMEOUT_MS.min, timeoutMessage), z.lte(DATABASE_TIMEOUT_MS.max, timeoutMessage))),
    ),
  ),
});

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const corsSchema = z.object({
  CORS_ORIGINS: optional(
    z.pipe(
      z.string(),
      z.pipe(z.transform(commaList), z.array(z.string().check(z.regex(ORIGIN, 'CORS_ORIGINS must list origins like https://panel.example.com')))),
    ),
  ),
});

/** Outside local development, a secret this repository ships (an example, a dev or test value) guards nothing. */
function shippedSecret(env: Bindings, environment: Environment, names: BindingName[]): string | undefined {
  if (environment === 'development' || environment === 'test') return undefined;
  const name = names.find((n) => env[n] && SHIPPED_SECRETS.has(env[n]));
  return name && `${name} is a value shipped in this repository (an example or development secret); set your own with: wrangler secret put ${name} --env ${environment}`;
}

/** A rate limiter binding is an object with limit(); anything else under its name is a configuration error. */
function rateLimitsOf(env: Bindings): Section<RateLimitConfig> {
  const value: RateLimitConfig = {};
  for (const [route, name] of Object.entries(RATE_LIMIT_BINDINGS) as [keyof RateLimitConfig, RateLimitBindingName][]) {
    const binding: unknown = env[name];
    if (binding === undefined || binding === null) continue;
    if (typeof (binding as Partial<RateLimit>).limit !== 'function') return { ok: false, problem: `${name} is not a rate limiting binding (ratelimits in wrangler.jsonc)` };
    value[route] = binding as RateLimit;
  }
  return { ok: true, value };
}

function section<S extends z.ZodMiniType, T>(schema: S, env: Bindings, build: (parsed: z.output<S>) => T | string): Section<T> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const binding = String(issue.path[0] ?? 'configuration');
    const problem = issue.message.startsWith(binding) ? issue.message : `${binding} is invalid: ${issue.message}`;
    return { ok: false, problem };
  }
  const value = build(result.data);
  return typeof value === 'string' ? { ok: false, problem: value } : { ok: true, value };
}

export function parseConfig(env: Bindings): Config {
  const environment = (ENVIRONMENTS as readonly string[]).includes(env.ENVIRONMENT ?? '') ? (env.ENVIRONMENT as Environment) : 'production';
  return {
    environment,
    sync: section(syncSchema, env, (p) => {
      const shipped = shippedSecret(env, environment, ['VPS_SYNC_API_KEY', 'VPS_SYNC_API_KEY_PREVIOUS']);
      if (shipped) return shipped;
      return { apiKeys: p.VPS_SYNC_API_KEY_PREVIOUS ? [p.VPS_SYNC_API_KEY, p.VPS_SYNC_API_KEY_PREVIOUS] : [p.VPS_SYNC_API_KEY] };
    }),
    signing: section(signingSchema, env, (p): SigningConfig | null | string => {
      const required = p.VPS_SYNC_REQUIRE_SIGNATURE === 'true';
      if (!p.VPS_SYNC_SIGNING_SECRET) {
        if (p.VPS_SYNC_SIGNING_SECRET_PREVIOUS) return 'VPS_SYNC_SIGNING_SECRET_PREVIOUS is set without VPS_SYNC_SIGNING_SECRET';
        if (required) return 'VPS_SYNC_REQUIRE_SIGNATURE is true but VPS_SYNC_SIGNING_SECRET is not set';
        return null;
      }
      const shipped = shippedSecret(env, environment, ['VPS_SYNC_SIGNING_SECRET', 'VPS_SYNC_SIGNING_SECRET_PREVIOUS']);
      if (shipped) return shipped;
      const secrets = [p.VPS_SYNC_SIGNING_SECRET, p.VPS_SYNC_SIGNING_SECRET_PREVIOUS].filter((v) => v !== undefined);
      return { secrets: secrets.map((v) => decodeSigningSecret(v) as Uint8Array<ArrayBuffer>), required };
    }),
    rateLimits: rateLimitsOf(env),
    bearer: section(bearerSchema, env, (p) => shippedSecret(env, environment, ['JWT_SECRET']) ?? bearerConfig(p)),
    database: section(planetscaleSchema, env, (p): DatabaseConfig | string => {
      const timeoutMs = p.DATABASE_TIMEOUT_MS ?? DATABASE_TIMEOUT_MS.default;
      if (p.DATABASE_URL) return { kind: 'planetscale', connection: { url: p.DATABASE_URL }, timeoutMs };
      if (p.DATABASE_HOST) {
        if (!p.DATABASE_USERNAME || !p.DATABASE_PASSWORD) return 'DATABASE_HOST is set without DATABASE_USERNAME and DATABASE_PASSWORD';
        return {
          kind: 'planetscale',
          connection: { host: p.DATABASE_HOST, username: p.DATABASE_USERNAME, password: p.DATABASE_PASSWORD },
          timeoutMs,
        };
      }
      if (!env.DB) return 'neither DATABASE_URL nor the D1 binding DB is configured';
      return { kind: 'd1', binding: env.DB };
    }),
    corsOrigins: section(corsSchema, env, (p) => p.CORS_ORIGINS ?? []),
  };
}

/** The settings /health/ready reports, each under its field name there; the deploy checks judge the same ones. */
export function settingsOf(config: Config): [field: string, section: Section<unknown>][] {
  return [
    ['sync', config.sync],
    ['signing', config.signing],
    ['rate_limits', config.rateLimits],
    ['bearer', config.bearer],
    ['database', config.database],
    ['cors', config.corsOrigins],
  ];
}

/** Per isolate: the parsed configuration of each `env` object (the same one for every request). */
const parsed = new WeakMap<object, Config>();
/** Sections whose problem was logged already (once per parse). */
const reported = new WeakSet<object>();

/** The configuration of this `env`, parsed on first use. */
export function configOf(env: Bindings): Config {
  let config = parsed.get(env);
  if (!config) {
    config = parseConfig(env);
    parsed.set(env, config);
  }
  return config;
}

/**
 * A section's value, or the one `misconfigured` answer: the reason is logged once per parsed
 * configuration (it names the binding, never its value).
 */
export function required<T>(section: Section<T>, context: { request_id?: string; refusing: string }): T {
  if (section.ok) return section.value;
  if (!reported.has(section)) {
    reported.add(section);
    log.error('misconfigured', { request_id: context.request_id, problem: section.problem, refusing: context.refusing });
  }
  throw misconfigured();
}
