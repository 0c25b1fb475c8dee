/**
 * `npm run deploy` and `npm run deploy:dry` decided without running anything: which environment,
 * what would be refused, and the `wrangler deploy` command line. scripts/deploy.ts runs it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { unstable_readConfig } from 'wrangler';
import { parseSecretsFile, placeholdersIn, secretProblems, varProblems, type SecretsFile } from './checks.ts';

const root = resolve(import.meta.dirname, '../..');

export const USAGE = `usage: npm run deploy -- --env <staging|production> [--secrets-file <file>] [--message <text>] [--tag <tag>] [--check]
       npm run deploy:dry -- --env <staging|production> [--outdir <dir>]`;

export type DeployPlan =
  | {
      ok: true;
      env: string;
      dryRun: boolean;
      /** Stop after the checks (`--check`): nothing is built or uploaded. */
      checkOnly: boolean;
      /** Arguments of `wrangler`. */
      wranglerArgs: string[];
      /** Placeholders a dry run lets through (a real deploy refuses them). */
      placeholders: string[];
      /** Names in the secrets file: they must not reach wrangler from the shell too (it would prefer those). */
      secretNames: string[];
      /** The custom domains / routes, for the next steps printed after a deploy. */
      routes: string[];
    }
  | { ok: false; problems: string[] };

const refuse = (...problems: string[]): DeployPlan => ({ ok: false, problems });

/** Plans a deploy from the script's arguments; `argv` excludes node and the script. */
export function planDeploy(argv: string[]): DeployPlan {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        env: { type: 'string', short: 'e' },
        'dry-run': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        config: { type: 'string', short: 'c' },
        outdir: { type: 'string' },
        'secrets-file': { type: 'string' },
        message: { type: 'string' },
        tag: { type: 'string' },
      },
    }).values;
  } catch (err) {
    // Anything else (--var, --name, --route, …) could change what is deployed behind the checks' back.
    return refuse(`${(err as Error).message}\n${USAGE}`);
  }
  const configPath = resolve(parsed.config ?? resolve(root, 'wrangler.jsonc'));
  const dryRun = parsed['dry-run'];

  let environments: string[];
  try {
    environments = unstable_readConfig({ config: configPath }, { hideWarnings: true }).definedEnvironments ?? [];
  } catch (err) {
    return refuse(`cannot read ${configPath}: ${(err as Error).message}`);
  }
  const env = parsed.env;
  if (!env) {
    return refuse(
      `choose the environment: --env ${environments.join(' or --env ') || '<name>'}. The top level of the wrangler configuration is ` +
        'local development (ENVIRONMENT=development, a local database) and is never deployed.\n' + USAGE,
    );
  }
  if (!environments.includes(env)) {
    return refuse(`no environment "${env}" in ${configPath}: it defines ${environments.map((e) => `"${e}"`).join(', ') || 'none'}`);
  }

  const config = unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
  const problems = varProblems(env, config.vars);

  let secrets: SecretsFile | undefined;
  const secretsFile = parsed['secrets-file'];
  if (secretsFile) {
    try {
      secrets = parseSecretsFile(readFileSync(secretsFile, 'utf8'));
      problems.push(...secretProblems(env, secretsFile, secrets));
    } catch (err) {
      problems.push(`cannot use the secrets file ${secretsFile}: ${(err as Error).message}`);
    }
  }

  const placeholders = placeholdersIn(config);
  if (!dryRun && placeholders.length) {
    problems.push(
      `replace every placeholder of env.${env} in ${configPath} (docs/DEPLOY.md says where each value comes from):\n` +
        placeholders.map((p) => `    ${p}`).join('\n'),
    );
  }
  if (problems.length) return { ok: false, problems };

  const wranglerArgs = ['deploy', '--config', configPath, '--env', env, '--minify'];
  if (dryRun) wranglerArgs.push('--dry-run', '--outdir', resolve(parsed.outdir ?? resolve(root, 'dist', env)));
  else if (parsed.outdir) return refuse('--outdir is for the dry run (npm run deploy:dry)');
  if (secretsFile) wranglerArgs.push('--secrets-file', secretsFile);
  if (parsed.message) wranglerArgs.push('--message', parsed.message);
  if (parsed.tag) wranglerArgs.push('--tag', parsed.tag);
  return {
    ok: true,
    env,
    dryRun,
    checkOnly: parsed.check,
    wranglerArgs,
    placeholders: dryRun ? placeholders : [],
    secretNames: Object.keys(secrets?.values ?? {}),
    routes: (config.routes ?? []).map((r: string | { pattern: string }) => (typeof r === 'string' ? r : r.pattern)),
  };
}
