/**
 * `npm run token -- <user_id> [ttl_seconds]`: prints a development JWT for that user, signed
 * with JWT_SECRET from .dev.vars (or its example), as the panel's SSO would sign it with HMAC.
 */
import { devSigning, signDevToken } from './dev-token.js';

const [userArg, ttlArg = '3600'] = process.argv.slice(2);
const userId = Number(userArg);
const ttl = Number(ttlArg);
if (!Number.isInteger(userId) || userId < 1 || !Number.isInteger(ttl) || ttl < 1) {
  console.error('usage: npm run token -- <user_id> [ttl_seconds]');
  process.exit(2);
}

let signing;
try {
  signing = devSigning();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
console.log(await signDevToken(userId, ttl, signing));
