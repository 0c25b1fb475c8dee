/**
 * `npm run deploy` and `npm run deploy:dry` decided without running anything: which environment,
 * what would be refused, and the `wrangler deploy` command line. scripts/deploy.ts runs it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { unstable_readConfig } from 'wrangler';
import { parseSecretsFile, placeholdersIn, secretProblems, varProblems, type SecretsFile } from './checks.js';
import { workerConfigProblems } from './worker-config.js';

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

/**
 * wrangler loads these .env files of the working directory into its environment, and a dotenv
 * secrets file's values yield to that environment: a secret set there would be uploaded instead.
 */
function shadowingEnvFiles(cwd: string, env: string, names: string[]): string[] {
  return ['.env', '.env.local', `.env.${env}`, `.env.${env}.local`].flatMap((file) => {
    if (!existsSync(resolve(cwd, file))) return [];
    const set = Object.keys(parseEnv(readFileSync(resolve(cwd, file), 'utf8')));
    return names
      .filter((name) => set.includes(name))
      .map((name) => `${file} also sets ${name}, and wrangler would upload that value instead: remove it there, or give the secrets as a JSON file`);
  });
}

/** Plans a deploy from the script's arguments (without node and the script) run in `cwd`. */
export function planDeploy(argv: string[], cwd = process.cwd()): DeployPlan {
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
  const configPath = parsed.config ? resolve(cwd, parsed.config) : resolve(root, 'wrangler.jsonc');
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

  let config: ReturnType<typeof unstable_readConfig>;
  try {
    config = unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
  } catch (err) {
    // wrangler's own refusals of the environment (e.g. a var named like a secret of secrets.required).
    return refuse(`cannot read env.${env} of ${configPath}: ${(err as Error).message}`);
  }
  const vars = varProblems(env, config.vars);
  const problems = vars.problems;

  let secrets: SecretsFile | undefined;
  let refusedSecrets = new Set<string>();
  const secretsFile = parsed['secrets-file'];
  if (secretsFile) {
    try {
      secrets = parseSecretsFile(readFileSync(resolve(cwd, secretsFile), 'utf8'));
      const refused = secretProblems(env, secretsFile, secrets);
      problems.push(...refused.problems);
      refusedSecrets = refused.names;
    } catch (err) {
      problems.push(`cannot use the secrets file ${secretsFile}: ${(err as Error).message}`);
    }
    if (secrets?.format === 'dotenv') problems.push(...shadowingEnvFiles(cwd, env, Object.keys(secrets.values)));
  }

  // What is left, the Worker's own parser judges: the vars with the secrets of the file.
  const accepted = <T>(values: Record<string, T>, refused: Set<string>) =>
    Object.fromEntries(Object.entries(values).filter(([name, value]) => typeof value === 'string' && !refused.has(name))) as Record<string, string>;
  problems.push(
    ...workerConfigProblems({
      env,
      vars: accepted(config.vars, vars.names),
      secrets: accepted(secrets?.values ?? {}, refusedSecrets),
      ...(secretsFile ? { file: secretsFile } : {}),
      requiredSecrets: (config.secrets?.required ?? []) as string[],
      declared: [...(config.d1_databases ?? []).map((d: { binding: string }) => d.binding), ...(config.ratelimits ?? []).map((r: { name: string }) => r.name)],
    }),
  );

  const placeholders = placeholdersIn(config);
  if (!dryRun && placeholders.length) {
    problems.push(
      `replace every placeholder of env.${env} in ${configPath} (docs/DEPLOY.md says where each value comes from):\n` +
        placeholders.map((p) => `    ${p}`).join('\n'),
    );
  }
  if (problems.length) return { ok: false, problems };

  const wranglerArgs = ['deploy', '--config', configPath, '--env', env, '--minify'];
  if (dryRun) wranglerArgs.push('--dry-run', '--outdir', parsed.outdir ? resolve(cwd, parsed.outdir) : resolve(root, 'dist', env));
  else if (parsed.outdir) return refuse('--outdir is for the dry run (npm run deploy:dry)');
  if (secretsFile) wranglerArgs.push('--secrets-file', resolve(cwd, secretsFile));
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
