/**
 * `npm run token -- <user_id> [ttl_seconds]`: prints a development JWT for that user, signed
 * with JWT_SECRET from .dev.vars (or its example), as the panel's SSO would sign it with HMAC.
 */
import { SignJWT } from 'jose';
import { readDevVars } from './dev-vars.ts';

const [userArg, ttlArg = '3600'] = process.argv.slice(2);
const userId = Number(userArg);
const ttl = Number(ttlArg);
if (!Number.isInteger(userId) || userId < 1 || !Number.isInteger(ttl) || ttl < 1) {
  console.error('usage: npm run token -- <user_id> [ttl_seconds]');
  process.exit(2);
}

const vars = readDevVars();
// An explicit JWT_SECRET in the environment wins (the docs' example test sets it).
const secret = process.env.JWT_SECRET || vars.JWT_SECRET;
if (!secret) {
  console.error('JWT_SECRET is not set in .dev.vars');
  process.exit(1);
}

// The first HMAC algorithm the Worker allows: the others are the identity provider's (JWKS), not ours to sign.
const alg = (vars.JWT_ALGORITHMS || 'HS256').split(',').map((a) => a.trim()).find((a) => /^HS(256|384|512)$/.test(a));
if (!alg) {
  console.error('JWT_ALGORITHMS in .dev.vars allows no HMAC algorithm (HS256, HS384, HS512): tokens come from the JWKS');
  process.exit(1);
}

let jwt = new SignJWT({ user_id: userId })
  .setProtectedHeader({ alg, typ: 'JWT' })
  .setSubject(String(userId))
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`);
if (vars.JWT_ISSUER) jwt = jwt.setIssuer(vars.JWT_ISSUER);
if (vars.JWT_AUDIENCE) jwt = jwt.setAudience(vars.JWT_AUDIENCE);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
