/**
 * The development token signer behind `npm run token` and the panel example's /dev/token: an
 * HMAC JWT for one user, signed as the panel's SSO would sign it, with the secret and claims
 * of .dev.vars (or its example). Development only: nothing here may reach a production build.
 */
import { SignJWT } from 'jose';
import { BOUNDS } from '../src/contract/index.js';
import { readDevVars } from './dev-vars.js';

/** How long a token of `npm run token` lasts: an hour unless asked, a year at most (a longer one is a typo). */
export const DEV_TOKEN_TTL = { default: 3600, max: 365 * 24 * 3600 } as const;

/**
 * `npm run token`'s arguments, `<user_id> [ttl_seconds]`: the user within the bounds the Worker
 * accepts in a token (a token it would refuse is no use), or what is wrong with them.
 */
export function tokenArgs(args: readonly string[]): { userId: number; ttlSeconds: number } | string {
  if (args.length > 2) return `expected at most two arguments, got ${args.length}`;
  const [user, ttl = String(DEV_TOKEN_TTL.default)] = args;
  if (user === undefined) return 'give the user id: user_id is required';
  const { min, max } = BOUNDS.user_id;
  const userId = Number(user);
  if (!/^\d{1,10}$/.test(user) || userId < min || userId > max) return `user_id must be an integer between ${min} and ${max} (got ${JSON.stringify(user)})`;
  const ttlSeconds = Number(ttl);
  if (!/^\d{1,9}$/.test(ttl) || ttlSeconds < 1 || ttlSeconds > DEV_TOKEN_TTL.max) {
    return `ttl_seconds must be a whole number of seconds between 1 and ${DEV_TOKEN_TTL.max} (got ${JSON.stringify(ttl)})`;
  }
  return { userId, ttlSeconds };
}

export interface DevSigning {
  secret: string;
  /** HS256, HS384 or HS512. */
  algorithm: string;
  issuer?: string;
  audience?: string;
}

/**
 * What the local Worker verifies with: .dev.vars' JWT_SECRET, first JWT_ALGORITHMS entry, issuer
 * and audience. An explicit JWT_SECRET in the environment wins (the docs' example test sets it).
 */
export function devSigning(env: NodeJS.ProcessEnv = process.env): DevSigning {
  const vars = readDevVars();
  const secret = env.JWT_SECRET || vars.JWT_SECRET;
  if (!secret) throw new Error('JWT_SECRET is not set in .dev.vars');
  // The first HMAC algorithm the Worker allows: the others are the identity provider's (JWKS), not ours to sign.
  const algorithm = (vars.JWT_ALGORITHMS || 'HS256').split(',').map((a) => a.trim()).find((a) => /^HS(256|384|512)$/.test(a));
  if (!algorithm) throw new Error('JWT_ALGORITHMS in .dev.vars allows no HMAC algorithm (HS256, HS384, HS512): tokens come from the JWKS');
  return {
    secret,
    algorithm,
    ...(vars.JWT_ISSUER ? { issuer: vars.JWT_ISSUER } : {}),
    ...(vars.JWT_AUDIENCE ? { audience: vars.JWT_AUDIENCE } : {}),
  };
}

/** A token for `userId` (in `user_id` and `sub`) valid `ttlSeconds` from now. */
export async function signDevToken(userId: number, ttlSeconds: number, signing: DevSigning = devSigning()): Promise<string> {
  let jwt = new SignJWT({ user_id: userId })
    .setProtectedHeader({ alg: signing.algorithm, typ: 'JWT' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`);
  if (signing.issuer) jwt = jwt.setIssuer(signing.issuer);
  if (signing.audience) jwt = jwt.setAudience(signing.audience);
  return jwt.sign(new TextEncoder().encode(signing.secret));
}
