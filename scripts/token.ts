/**
 * `npm run token -- <user_id> [ttl_seconds]`: prints a development JWT for that user, signed
 * with JWT_SECRET from .dev.vars (or its example), as the panel's SSO would sign it with HMAC.
 * Arguments the Worker's bounds refuse are refused here, saying why (exit code 2).
 */
import { devSigning, signDevToken, tokenArgs } from './dev-token.js';

const args = tokenArgs(process.argv.slice(2));
if (typeof args === 'string') {
  console.error(`${args}\nusage: npm run token -- <user_id> [ttl_seconds]`);
  process.exit(2);
}

let signing;
try {
  signing = devSigning();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
console.log(await signDevToken(args.userId, args.ttlSeconds, signing));
