/**
 * `npm run dev`: the service on http://localhost:5050 on the embedded D1 database, with no
 * other step: creates .dev.vars from the example when missing, applies the local D1
 * migrations, then runs `wrangler dev`. Extra arguments go to wrangler dev.
 */
import { ensureDevVars } from './dev-vars.js';
import { run, serve } from './run.js';

if (ensureDevVars()) console.log('Created .dev.vars from .dev.vars.example (development secrets).');

// CI=true makes wrangler apply without asking for confirmation; local D1 only, never remote.
await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], { env: { ...process.env, CI: 'true' } });
process.exitCode = await serve('wrangler', ['dev', ...process.argv.slice(2)]);
