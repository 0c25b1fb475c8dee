/**
 * The deploy guard (scripts/deploy.ts) against copies of wrangler.jsonc, with and without the
 * placeholders: what a real deploy and a dry run refuse, and the wrangler command they would run.
 * Nothing here builds or uploads: no network.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { MIN_SECRET_LENGTH } from '../../scripts/deploy/checks.js';
import { planDeploy } from '../../scripts/deploy/plan.js';
import { SECRET_BINDINGS } from '../../src/bindings.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');
let dir: string;
let original: string;

/** A copy of wrangler.jsonc in the temporary directory, edited by `edit`. */
async function configCopy(name: string, edit: (text: string) => string = (t) => t): Promise<string> {
  const path = join(dir, `${name}.jsonc`);
  await writeFile(path, edit(original));
  return path;
}

/** Every placeholder replaced as a deployer would: ids by ids, hostnames by hostnames. */
const replaced = (text: string) =>
  text.replace(/REPLACE_WITH_(\w+)/g, (_, what: string) => (what.endsWith('_ID') ? randomUUID() : `${what.toLowerCase().replaceAll('_', '-')}.example.com`));

/** Edits the production section only (it follows the staging one). */
const inProduction = (edit: (section: string) => string) => (text: string) => {
  const at = text.indexOf('"production": {');
  return text.slice(0, at) + edit(text.slice(at));
};

async function secretsFile(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const problemsOf = (plan: ReturnType<typeof planDeploy>) => (plan.ok ? [] : plan.problems);
const key = () => `${randomUUID()}${randomUUID()}`.replaceAll('-', '');
/** A signing secret of its own: `whsec_` + base64 of 32 random bytes. */
const signingSecret = () => `whsec_${Buffer.from(key(), 'hex').toString('base64')}`;

/** Adds `vars` to the staging environment's vars. */
const inStagingVars = (vars: Record<string, string>) => (text: string) =>
  text.replace('"ENVIRONMENT": "staging",', `"ENVIRONMENT": "staging", ${Object.entries(vars).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)},`).join(' ')}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vps-sync-deploy-'));
  original = await readFile(join(root, 'wrangler.jsonc'), 'utf8');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run deploy', () => {
  it('refuses without --env: the top level is local development', () => {
    const plan = planDeploy([]);
    expect(plan.ok).toBe(false);
    expect(problemsOf(plan)[0]).toMatch(/^choose the environment: --env staging or --env production\. The top level .* is never deployed/);
  });

  it('refuses an environment the configuration does not define, development included', () => {
    expect(problemsOf(planDeploy(['--env', 'development']))).toEqual([
      `no environment "development" in ${join(root, 'wrangler.jsonc')}: it defines "staging", "production"`,
    ]);
  });

  it('refuses options that would change what is deployed behind the checks', () => {
    for (const extra of [['--var', 'ENVIRONMENT:development'], ['--name', 'other'], ['--route', 'x.example.com/*']]) {
      const problems = problemsOf(planDeploy(['--env', 'production', ...extra]));
      expect(problems[0], extra.join(' ')).toMatch(new RegExp(`^Unknown option '${extra[0]}'`));
    }
  });

  it('refuses while a placeholder is left, naming each of them', async () => {
    const config = await configCopy('placeholders');
    for (const env of ['staging', 'production']) {
      const plan = planDeploy(['--env', env, '--config', config]);
      const upper = env === 'production' ? '' : 'STAGING_';
      expect(problemsOf(plan)).toEqual([
        `replace every placeholder of env.${env} in ${config} (docs/DEPLOY.md says where each value comes from):\n` +
          `    routes[0].pattern = "REPLACE_WITH_${env.toUpperCase()}_API_HOSTNAME"\n` +
          `    vars.CORS_ORIGINS = "https://REPLACE_WITH_${upper}PANEL_HOSTNAME"\n` +
          `    d1_databases[0].database_id = "REPLACE_WITH_${env.toUpperCase()}_D1_DATABASE_ID"`,
      ]);
    }
  });

  it('takes the local all-zero database id for a placeholder too', async () => {
    const config = await configCopy('zero-id', (t) => replaced(inProduction((s) => s.replace('REPLACE_WITH_PRODUCTION_D1_DATABASE_ID', '00000000-0000-0000-0000-000000000000'))(t)));
    expect(problemsOf(planDeploy(['--env', 'production', '--config', config]))[0]).toContain('d1_databases[0].database_id = "00000000-0000-0000-0000-000000000000"');
  });

  it('deploys a configuration without placeholders with wrangler deploy --env X --minify', async () => {
    const config = await configCopy('replaced', replaced);
    const plan = planDeploy(['--env', 'production', '--config', config, '--message', 'release 7']);
    expect(plan).toMatchObject({
      ok: true,
      env: 'production',
      dryRun: false,
      wranglerArgs: ['deploy', '--config', config, '--env', 'production', '--minify', '--message', 'release 7'],
      placeholders: [],
      routes: ['production-api-hostname.example.com'],
    });
  });

  it('refuses vars the Worker would refuse or that leak a secret', async () => {
    const config = await configCopy('bad-vars', (t) =>
      replaced(
        inProduction((s) =>
          s
            .replace('"ENVIRONMENT": "production"', '"ENVIRONMENT": "development", "JWT_SECRET": "dev_only_jwt_secret_change_me_0123456789abcdef"')
            .replace('"https://REPLACE_WITH_PANEL_HOSTNAME"', '"http://localhost:3000,https://Panel.example.com/,https://panel.example.com"'),
        )(t),
      ),
    );
    expect(problemsOf(planDeploy(['--env', 'production', '--config', config]))).toEqual([
      'env.production.vars.ENVIRONMENT is "development": set it to "production" (only development and test accept the secrets this repository ships)',
      'env.production.vars.JWT_SECRET holds a value shipped in this repository (an example or development secret)',
      'env.production.vars.JWT_SECRET is a secret, committed here in plain text: remove it and run: npx wrangler secret put JWT_SECRET --env production',
      'env.production.vars.CORS_ORIGINS lists "http://localhost:3000": a deployed panel\'s origin is https://<its hostname>',
      'env.production.vars.CORS_ORIGINS lists "https://Panel.example.com/": write it as https://panel.example.com',
    ]);
  });

  it('refuses every secret binding of the Worker written into vars, the signing secrets included', async () => {
    // wrangler itself refuses a var named like a secret of secrets.required: that refusal is passed on.
    const required: string[] = unstable_readConfig({ config: join(root, 'wrangler.jsonc'), env: 'staging' }, { hideWarnings: true }).secrets?.required ?? [];
    expect(required).toEqual(['VPS_SYNC_API_KEY']);
    const config = await configCopy('required-var', inStagingVars({ VPS_SYNC_API_KEY: key() }));
    expect(problemsOf(planDeploy(['--dry-run', '--env', 'staging', '--config', config]))).toEqual([
      expect.stringMatching(/^cannot read env\.staging of .*required-var\.jsonc: .*VPS_SYNC_API_KEY assigned to Environment Variable and Secret bindings/s),
    ]);

    const names = SECRET_BINDINGS.filter((name) => !required.includes(name));
    const values = Object.fromEntries(names.map((name) => [name, name.includes('SIGNING') ? signingSecret() : key()]));
    const problems = problemsOf(planDeploy(['--dry-run', '--env', 'staging', '--config', await configCopy('secret-vars', inStagingVars(values))]));
    expect(problems).toEqual(
      names.map((name) => `env.staging.vars.${name} is a secret, committed here in plain text: remove it and run: npx wrangler secret put ${name} --env staging`),
    );
    for (const value of Object.values(values)) expect(problems.join('\n')).not.toContain(value);
  });

  it('checks the secrets of --secrets-file as the Worker will, and keeps them out of the shell', async () => {
    const config = await configCopy('secrets', replaced);
    const deploy = (file: string) => planDeploy(['--env', 'staging', '--config', config, '--secrets-file', file]);

    const bad = await secretsFile(
      'bad.env',
      [
        'VPS_SYNC_API_KEY=your_secret_api_key_here_min_32_chars_change_this',
        'JWT_SECRET=too-short',
        'VPS_SYNC_APIKEY=typo-typo-typo-typo-typo-typo-typo-typo',
        'CORS_ORIGINS=https://panel.example.com',
        'DATABASE_URL=not a url',
        `VPS_SYNC_API_KEY_PREVIOUS=${key()}$HOME`,
      ].join('\n'),
    );
    // Sorted: node's parseEnv does not keep the file's order.
    expect(problemsOf(deploy(bad)).sort()).toEqual([
      `VPS_SYNC_API_KEY in ${bad} is a value shipped in this repository (an example or development secret): generate one with: openssl rand -hex 32`,
      `JWT_SECRET in ${bad} is shorter than ${MIN_SECRET_LENGTH} characters: generate one with: openssl rand -hex 32`,
      `VPS_SYNC_APIKEY in ${bad}: the Worker reads no binding of that name (it reads VPS_SYNC_API_KEY, VPS_SYNC_API_KEY_PREVIOUS, VPS_SYNC_SIGNING_SECRET, VPS_SYNC_SIGNING_SECRET_PREVIOUS, JWT_SECRET, DATABASE_URL, DATABASE_HOST, DATABASE_USERNAME, DATABASE_PASSWORD, …)`,
      `CORS_ORIGINS in ${bad}: CORS_ORIGINS is set per environment in wrangler.jsonc (env.staging.vars), not as a secret`,
      `DATABASE_URL in ${bad} is not a URL (mysql://user:password@host/database)`,
      `VPS_SYNC_API_KEY_PREVIOUS in ${bad} contains "$", which wrangler would expand from the environment: write the file as JSON instead`,
    ].sort());

    expect(problemsOf(deploy(await secretsFile('empty.json', '[1]')))).toEqual([
      `cannot use the secrets file ${join(dir, 'empty.json')}: its JSON is not an object of NAME: "value"`,
    ]);

    const good = await secretsFile('good.json', JSON.stringify({ VPS_SYNC_API_KEY: key(), JWT_SECRET: `${key()}$x`, DATABASE_URL: 'mysql://u:p@db.example.com/vps' }));
    expect(deploy(good)).toMatchObject({
      ok: true,
      wranglerArgs: ['deploy', '--config', config, '--env', 'staging', '--minify', '--secrets-file', good],
      secretNames: ['VPS_SYNC_API_KEY', 'JWT_SECRET', 'DATABASE_URL'],
    });
  });

  it('refuses a dotenv secrets file whose values a .env file of the working directory would replace', async () => {
    const config = await configCopy('shadowed', replaced);
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await writeFile(join(cwd, '.env.staging'), `VPS_SYNC_API_KEY=${key()}\nCLOUDFLARE_ACCOUNT_ID=abc\n`);
    const values = { VPS_SYNC_API_KEY: key(), JWT_SECRET: key() };
    await writeFile(join(cwd, '.secrets.staging'), Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''));
    await writeFile(join(cwd, '.secrets.staging.json'), JSON.stringify(values));

    expect(problemsOf(planDeploy(['--env', 'staging', '--config', config, '--secrets-file', '.secrets.staging'], cwd))).toEqual([
      '.env.staging also sets VPS_SYNC_API_KEY, and wrangler would upload that value instead: remove it there, or give the secrets as a JSON file',
    ]);
    // JSON secrets files are taken as they are.
    expect(planDeploy(['--env', 'staging', '--config', config, '--secrets-file', '.secrets.staging.json'], cwd)).toMatchObject({
      ok: true,
      wranglerArgs: ['deploy', '--config', config, '--env', 'staging', '--minify', '--secrets-file', join(cwd, '.secrets.staging.json')],
    });
  });

  it('keeps its minimum secret length equal to the Worker\'s', async () => {
    const source = await readFile(join(root, 'src/config.ts'), 'utf8');
    expect(source).toMatch(new RegExp(`export const MIN_SECRET_LENGTH = ${MIN_SECRET_LENGTH};`));
  });
});

describe('npm run deploy:dry', () => {
  it('lets the repository\'s placeholders through for both environments, into dist/<env>, listing them', () => {
    for (const env of ['staging', 'production']) {
      const plan = planDeploy(['--dry-run', '--env', env]);
      expect(plan).toMatchObject({
        ok: true,
        dryRun: true,
        wranglerArgs: ['deploy', '--config', join(root, 'wrangler.jsonc'), '--env', env, '--minify', '--dry-run', '--outdir', join(root, 'dist', env)],
      });
      expect(plan.ok && plan.placeholders).toHaveLength(3);
    }
  });

  it('still refuses what is not a placeholder', async () => {
    const config = await configCopy('dry-bad', inProduction((s) => s.replace('"ENVIRONMENT": "production"', '"ENVIRONMENT": "test"')));
    expect(problemsOf(planDeploy(['--dry-run', '--env', 'production', '--config', config]))).toEqual([
      'env.production.vars.ENVIRONMENT is "test": set it to "production" (only development and test accept the secrets this repository ships)',
    ]);
  });
});

describe('scripts/deploy.ts', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(tsx, ['scripts/deploy.ts', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  it('exits 1 with the list of placeholders, and 0 from --check once they are replaced, without running wrangler', async () => {
    const [refused, checked, signingVar] = await Promise.all([
      cli(['--env', 'production', '--config', await configCopy('cli-placeholders')]),
      cli(['--env', 'production', '--check', '--config', await configCopy('cli-replaced', replaced)]),
      cli(['--dry-run', '--env', 'staging', '--check', '--config', await configCopy('cli-signing-var', inStagingVars({ VPS_SYNC_SIGNING_SECRET: signingSecret() }))]),
    ]);
    // A signing secret in plain text among the vars (it passed before, as the only secret not refused there).
    expect(signingVar).toMatchObject({ code: 1, stdout: '' });
    expect(signingVar.stderr).toContain('  - env.staging.vars.VPS_SYNC_SIGNING_SECRET is a secret, committed here in plain text: remove it and run: npx wrangler secret put VPS_SYNC_SIGNING_SECRET --env staging');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Not deploying:\n {2}- replace every placeholder of env\.production/);
    expect(refused.stderr).toContain('routes[0].pattern = "REPLACE_WITH_PRODUCTION_API_HOSTNAME"');
    expect(refused.stdout).not.toContain('wrangler');
    expect(checked).toMatchObject({ code: 0, stdout: 'env.production: the checks of a deploy pass (nothing was built or uploaded).\n' });
  }, 120_000);
});
