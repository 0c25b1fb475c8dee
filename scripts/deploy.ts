/**
 * `npm run deploy -- --env production`: refuses, naming what to change, a missing or unknown
 * environment, a placeholder still in that environment's configuration, vars the Worker would
 * refuse and secrets (from --secrets-file) it would refuse; then runs `wrangler deploy --env X
 * --minify`. `npm run deploy:dry -- --env X` runs the same checks, lets the placeholders through
 * (listing them) and builds into dist/<env> without any network (`wrangler deploy --dry-run`).
 * `--check` stops after the checks. docs/DEPLOY.md walks through a first deploy.
 */
import { resolve } from 'node:path';
import { planDeploy } from './deploy/plan.js';
import { serve } from './run.js';

const plan = planDeploy(process.argv.slice(2));
if (!plan.ok) {
  console.error(`Not deploying:\n${plan.problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}

if (plan.placeholders.length) {
  console.warn(`Dry run: a real deploy of env.${plan.env} would refuse these placeholders:\n${plan.placeholders.map((p) => `    ${p}`).join('\n')}`);
}
if (plan.checkOnly) {
  console.log(`env.${plan.env}: the checks of ${plan.dryRun ? 'a dry run' : 'a deploy'} pass (nothing was built or uploaded).`);
  process.exit(0);
}

// wrangler lets a shell variable override a dotenv secrets file's value of the same name: upload what was checked.
const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
for (const name of plan.secretNames) delete env[name];

const wrangler = resolve(import.meta.dirname, '../node_modules/.bin/wrangler');
const code = await serve(wrangler, plan.wranglerArgs, { env });
if (code === 0 && !plan.dryRun) {
  const url = plan.routes[0] ? `https://${plan.routes[0].replace(/\/\*?$/, '')}` : '<the Worker URL>';
  console.log(
    `\nDeployed env.${plan.env}. Secrets stored in Cloudflare cannot be read back to check them here; the Worker checks them:\n` +
      `  VPS_SYNC_API_KEY=… JWT_SECRET=… npm run smoke -- ${url}${plan.env === 'production' ? ' --production' : ''}\n` +
      'runs /health/ready first, which names every setting the Worker refuses (docs/DEPLOY.md, "Smoke test"); give it\n' +
      'VPS_SYNC_SIGNING_SECRET=… too where the Worker has a signing secret (it signs its sync requests then).',
  );
}
process.exitCode = code;
