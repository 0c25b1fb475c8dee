/**
 * `npm run token -- <user_id> [ttl_seconds]`: prints a development JWT for that user, signed
 * with JWT_SECRET from .dev.vars (or its example), as the panel's SSO would sign it.
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

let jwt = new SignJWT({ user_id: userId })
  .setProtectedHeader({ alg: (vars.JWT_ALGORITHMS || 'HS256').split(',')[0]!.trim(), typ: 'JWT' })
  .setSubject(String(userId))
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`);
if (vars.JWT_ISSUER) jwt = jwt.setIssuer(vars.JWT_ISSUER);
if (vars.JWT_AUDIENCE) jwt = jwt.setAudience(vars.JWT_AUDIENCE);
console.log(await jwt.sign(new TextEncoder().encode(secret)));
