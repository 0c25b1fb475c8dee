/**
 * `npm run smoke -- <url> [--production]`: after a deploy, checks the Worker end to end: /health,
 * /health/ready, a create with the API key, a listing with a Bearer token, a delete
 * (scripts/smoke/steps.ts). Reads from the environment:
 *   VPS_SYNC_API_KEY         the Worker's API key (required)
 *   VPS_SYNC_SIGNING_SECRET  the Worker's signing secret: every sync request is signed with it (required
 *                            where VPS_SYNC_REQUIRE_SIGNATURE=true, which refuses unsigned ones)
 *   VPS_SYNC_TOKEN           a Bearer token of the panel's SSO; without it one is signed with
 *   JWT_SECRET               (and JWT_ALGORITHMS, JWT_ISSUER, JWT_AUDIENCE, JWT_USER_ID_CLAIM, as the Worker has them)
 *   SMOKE_USER_ID            the test VPS's user (default 4294967295; with VPS_SYNC_TOKEN, the token's user)
 *   SMOKE_STAGING_PATTERN    a regular expression: hostnames matching it are not production (default "staging")
 * A URL that may be production (not localhost, not matching the pattern), or a Worker whose
 * readiness says environment=production, is refused without --production. Exit code 0 passed,
 * 1 a step failed, 2 refused.
 */
import { smokeCommand } from './smoke/command.js';

process.exitCode = await smokeCommand(process.argv.slice(2), process.env);
