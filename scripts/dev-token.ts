/**
 * The development token signer behind `npm run token` and the panel example's /dev/token: an
 * HMAC JWT for one user, signed as the panel's SSO would sign it, with the secret and claims
 * of .dev.vars (or its example). Development only: nothing here may reach a production build.
 */
import { SignJWT } from 'jose';
import { readDevVars } from './dev-vars.js';

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
