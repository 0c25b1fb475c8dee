/**
 * The command line of `npm run smoke` (scripts/smoke.ts): the URL, --production, and the
 * credentials from the environment. Everything it refuses, it refuses before the first request.
 */
import { parseArgs } from 'node:util';
import { decodeSigningSecret } from '../../src/contract/index.js';
import { DEFAULT_SMOKE_USER_ID, looksLikeProduction, parseWorkerUrl, smoke, userIdOf, type SmokeOptions, type SmokeResult } from './steps.js';

export const USAGE = 'usage: VPS_SYNC_API_KEY=… JWT_SECRET=… npm run smoke -- <url> [--production]';

export interface SmokeIo {
  fetch?: typeof fetch;
  print?: (line: string) => void;
  error?: (line: string) => void;
}

/** Runs `npm run smoke -- …argv` with `env` as its environment; resolves with the exit code. */
export async function smokeCommand(argv: string[], env: NodeJS.ProcessEnv, io: SmokeIo = {}): Promise<SmokeResult> {
  const error = io.error ?? console.error;
  const refused = (message: string): SmokeResult => {
    error(`${message}\n${USAGE}`);
    return 2;
  };

  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { production: { type: 'boolean', default: false } } });
  } catch (err) {
    return refused((err as Error).message);
  }
  if (args.positionals.length !== 1) return refused('give the Worker URL, once');
  const url = parseWorkerUrl(args.positionals[0]!);
  if (typeof url === 'string') return refused(url);

  let staging: RegExp;
  try {
    staging = new RegExp(env.SMOKE_STAGING_PATTERN || 'staging', 'i');
  } catch (err) {
    return refused(`SMOKE_STAGING_PATTERN is not a regular expression: ${(err as Error).message}`);
  }
  if (looksLikeProduction(url, staging) && !args.values.production) {
    return refused(
      `${url.origin} may be production (it is not localhost and its hostname does not match /${staging.source}/i): ` +
        'the smoke test creates and deletes a VPS there. Pass --production to do that, or set SMOKE_STAGING_PATTERN.',
    );
  }

  const apiKey = env.VPS_SYNC_API_KEY;
  if (!apiKey) return refused('VPS_SYNC_API_KEY is not set: the smoke test creates a VPS with it');
  const signingSecret = env.VPS_SYNC_SIGNING_SECRET || undefined;
  const notSigningSecret = signingSecret === undefined ? undefined : decodeSigningSecret(signingSecret);
  if (typeof notSigningSecret === 'string') return refused(`VPS_SYNC_SIGNING_SECRET ${notSigningSecret}`);
  const token = env.VPS_SYNC_TOKEN || undefined;
  const claim = env.JWT_USER_ID_CLAIM || undefined;
  if (!token && !env.JWT_SECRET) return refused('neither VPS_SYNC_TOKEN nor JWT_SECRET is set: the listing needs a Bearer token');
  const algorithm = (env.JWT_ALGORITHMS || 'HS256').split(',').map((a) => a.trim()).find((a) => /^HS(256|384|512)$/.test(a));
  if (!token && !algorithm) return refused('JWT_ALGORITHMS allows no HMAC algorithm: give a token of the identity provider as VPS_SYNC_TOKEN');

  const userIdText = env.SMOKE_USER_ID || (token ? String(userIdOf(token, claim) ?? '') : String(DEFAULT_SMOKE_USER_ID));
  const userId = Number(userIdText);
  if (!/^\d+$/.test(userIdText) || userId < 1 || userId > DEFAULT_SMOKE_USER_ID) {
    return refused(token && !env.SMOKE_USER_ID ? 'VPS_SYNC_TOKEN names no numeric user id: set SMOKE_USER_ID to its user' : 'SMOKE_USER_ID must be an integer from 1 to 4294967295');
  }

  const options: SmokeOptions = {
    url,
    apiKey,
    ...(signingSecret ? { signingSecret } : {}),
    userId,
    production: args.values.production,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.print ? { print: io.print } : {}),
    ...(token
      ? { token }
      : {
          jwt: {
            secret: env.JWT_SECRET!,
            algorithm: algorithm!,
            ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
            ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
            ...(claim ? { userIdClaim: claim } : {}),
          },
        }),
  };
  return smoke(options);
}
