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
import { GENERATE } from '../../scripts/deploy/checks.js';
import { planDeploy } from '../../scripts/deploy/plan.js';
import { SECRET_BINDINGS } from '../../src/bindings.js';
import { MIN_SECRET_LENGTH, parseConfig, settingsOf, type Bindings } from '../../src/config.js';
import { TEST_SIGNING_SECRET } from '../bindings.js';

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

/** Sets the staging environment's secrets.required (the production one follows it). */
const stagingRequired = (names: string[]) => (text: string) =>
  text.replace(/"secrets": \{ "required": \[[^\]]*\] \}/, `"secrets": { "required": ${JSON.stringify(names)} }`);

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
            .replace('"ENVIRONMENT": "production"', '"ENVIRONMENT": "development", "VPS_SYNC_API_KEY_PREVIOUS": "your_secret_api_key_here_min_32_chars_change_this"')
            .replace('"https://REPLACE_WITH_PANEL_HOSTNAME"', '"http://localhost:3000,https://Panel.example.com/,https://panel.example.com"'),
        )(t),
      ),
    );
    expect(problemsOf(planDeploy(['--env', 'production', '--config', config]))).toEqual([
      'env.production.vars.ENVIRONMENT is "development": set it to "production" (only development and test accept the secrets this repository ships)',
      'env.production.vars.VPS_SYNC_API_KEY_PREVIOUS holds a value shipped in this repository (an example or development secret)',
      'env.production.vars.VPS_SYNC_API_KEY_PREVIOUS is a secret, committed here in plain text: remove it and run: npx wrangler secret put VPS_SYNC_API_KEY_PREVIOUS --env production',
      'env.production.vars.CORS_ORIGINS lists "http://localhost:3000": a deployed panel\'s origin is https://<its hostname>',
      'env.production.vars.CORS_ORIGINS lists "https://Panel.example.com/": write it as https://panel.example.com',
    ]);
  });

  it('refuses every secret binding of the Worker written into vars, the signing secrets included', async () => {
    // wrangler itself refuses a var named like a secret of secrets.required: that refusal is passed on.
    const required: string[] = unstable_readConfig({ config: join(root, 'wrangler.jsonc'), env: 'staging' }, { hideWarnings: true }).secrets?.required ?? [];
    expect(required).toEqual(['VPS_SYNC_API_KEY', 'JWT_SECRET']);
    for (const name of required) {
      const config = await configCopy(`required-var-${name}`, inStagingVars({ [name]: key() }));
      expect(problemsOf(planDeploy(['--dry-run', '--env', 'staging', '--config', config]))).toEqual([
        expect.stringMatching(new RegExp(`^cannot read env\\.staging of .*required-var-${name}\\.jsonc: .*${name} assigned to Environment Variable and Secret bindings`, 's')),
      ]);
    }

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
      `DATABASE_URL in ${bad} must be a URL with a user, a password and a host: mysql://user:password@host/database`,
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
});

describe('the Worker\'s own judgement of the vars and the secrets file (src/config.ts)', () => {
  /** The problems of a dry run of staging (the repository's placeholders left in) with these vars and secrets. */
  async function judged(name: string, vars: Record<string, string>, secrets?: Record<string, string>, edit: (t: string) => string = (t) => t) {
    const config = await configCopy(name, (t) => edit(inStagingVars(vars)(t)));
    const file = secrets && (await secretsFile(`${name}.json`, JSON.stringify(secrets)));
    const problems = problemsOf(planDeploy(['--dry-run', '--env', 'staging', '--config', config, ...(file ? ['--secrets-file', file] : [])]));
    // The values are never repeated, whatever is refused.
    for (const value of Object.values(secrets ?? {})) expect(problems.join('\n')).not.toContain(value);
    return { problems, file };
  }
  const unlessStored = (secret: string) =>
    ` (unless stored already, which cannot be checked here): give ${secret} in --secrets-file, or list it in env.staging.secrets.required so that wrangler deploy refuses while it is not stored`;

  it('refuses vars the Worker would answer misconfigured for, naming each binding', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ DATABASE_TIMEOUT_MS: 'abc' }, 'env.staging.vars.DATABASE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000'],
      [{ VPS_SYNC_REQUIRE_SIGNATURE: 'yes' }, 'env.staging.vars.VPS_SYNC_REQUIRE_SIGNATURE must be true or false'],
      [{ JWT_JWKS_URL: 'http://sso.example.com/certs' }, 'env.staging.vars.JWT_JWKS_URL must be an https URL (http only for localhost)'],
      [{ JWT_ALGORITHMS: 'RS256' }, 'env.staging.vars.JWT_ALGORITHMS lists RS256 but JWT_JWKS_URL is not set'],
    ];
    for (const [i, [vars, problem]] of cases.entries()) expect((await judged(`vars-${i}`, vars)).problems).toEqual([problem]);
    // One problem per setting, as /health/ready reports them: database and signing at once.
    expect((await judged('vars-both', { DATABASE_TIMEOUT_MS: '50', VPS_SYNC_REQUIRE_SIGNATURE: 'TRUE' })).problems).toEqual([
      'env.staging.vars.VPS_SYNC_REQUIRE_SIGNATURE must be true or false',
      'env.staging.vars.DATABASE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000',
    ]);
  });

  it('refuses secrets of the file the Worker would answer misconfigured for, never showing them', async () => {
    const { problems, file } = await judged('bad-secrets', {}, { VPS_SYNC_SIGNING_SECRET: 'not-a-whsec', DATABASE_URL: 'foo:bar', VPS_SYNC_API_KEY: key() });
    expect(problems).toEqual([
      `VPS_SYNC_SIGNING_SECRET in ${file} must start with whsec_: generate one with: echo "whsec_$(openssl rand -base64 32)"`,
      `DATABASE_URL in ${file} must be a URL with a user, a password and a host: mysql://user:password@host/database`,
    ]);
  });

  it('refuses VPS_SYNC_REQUIRE_SIGNATURE=true while nothing makes sure the signing secret is stored', async () => {
    expect((await judged('require-alone', { VPS_SYNC_REQUIRE_SIGNATURE: 'true' })).problems).toEqual([
      `env.staging.vars.VPS_SYNC_REQUIRE_SIGNATURE is true but VPS_SYNC_SIGNING_SECRET is not set${unlessStored('VPS_SYNC_SIGNING_SECRET')}`,
    ]);
    // Given in the file, or listed in secrets.required (wrangler deploy then refuses while it is not set): accepted.
    expect((await judged('require-file', { VPS_SYNC_REQUIRE_SIGNATURE: 'true' }, { VPS_SYNC_SIGNING_SECRET: signingSecret() })).problems).toEqual([]);
    const listed = stagingRequired(['VPS_SYNC_API_KEY', 'JWT_SECRET', 'VPS_SYNC_SIGNING_SECRET']);
    expect((await judged('require-listed', { VPS_SYNC_REQUIRE_SIGNATURE: 'true' }, undefined, listed)).problems).toEqual([]);
  });

  it('takes the secrets neither in the file nor needed by the vars for stored, and judges the ones it is given', async () => {
    // A later deploy: one secret in the file, the others stored.
    expect((await judged('partial', {}, { DATABASE_URL: 'mysql://u:p@db.example.com/vps' })).problems).toEqual([]);
    // A secret that needs another: that one too must be given, or listed in secrets.required.
    const previous = { VPS_SYNC_SIGNING_SECRET_PREVIOUS: signingSecret() };
    const { problems, file } = await judged('previous-only', {}, previous);
    expect(problems).toEqual([
      `VPS_SYNC_SIGNING_SECRET_PREVIOUS in ${file} is set without VPS_SYNC_SIGNING_SECRET${unlessStored('VPS_SYNC_SIGNING_SECRET').replace('--secrets-file', file!)}`,
    ]);
    const listed = stagingRequired(['VPS_SYNC_API_KEY', 'JWT_SECRET', 'VPS_SYNC_SIGNING_SECRET']);
    expect((await judged('previous-listed', {}, previous, listed)).problems).toEqual([]);
    // SSO through a JWKS: JWT_SECRET is no longer needed, once secrets.required stops asking for it.
    const jwks = { JWT_JWKS_URL: 'https://sso.example.com/certs', JWT_ALGORITHMS: 'RS256' };
    expect((await judged('jwks', jwks, undefined, stagingRequired(['VPS_SYNC_API_KEY']))).problems).toEqual([]);
    // Without the JWKS, the listing needs JWT_SECRET: the file or secrets.required must hold it.
    expect((await judged('no-jwt', {}, undefined, stagingRequired(['VPS_SYNC_API_KEY']))).problems).toEqual([
      `env.staging: JWT_SECRET is not set, nor JWT_JWKS_URL: bearer tokens need one of them${unlessStored('JWT_SECRET')}`,
    ]);
  });

  it('names for each secret to generate a command whose output the Worker accepts', async () => {
    expect(Object.keys(GENERATE).sort()).toEqual([...SECRET_BINDINGS.filter((name) => !name.startsWith('DATABASE_'))].sort());
    const generated = Object.fromEntries(
      await Promise.all(Object.entries(GENERATE).map(async ([name, command]) => [name, (await promisify(execFile)('sh', ['-c', command!])).stdout.trim()])),
    );
    const settings = settingsOf(parseConfig({ ENVIRONMENT: 'staging', DB: {}, ...generated } as unknown as Bindings));
    expect(Object.fromEntries(settings.map(([field, section]) => [field, section.ok || section.problem]))).toEqual({
      sync: true,
      signing: true,
      rate_limits: true,
      bearer: true,
      database: true,
      cors: true,
    });

    // A shipped signing secret in the file: the command to replace it makes a signing secret, not hex.
    const { problems, file } = await judged('shipped-signing', {}, { VPS_SYNC_SIGNING_SECRET: TEST_SIGNING_SECRET });
    expect(problems).toEqual([
      `VPS_SYNC_SIGNING_SECRET in ${file} is a value shipped in this repository (an example or development secret): generate one with: echo "whsec_$(openssl rand -base64 32)"`,
    ]);
  });

  it('leaves a var holding a placeholder to the list of placeholders', async () => {
    expect((await judged('placeholder-var', { DATABASE_TIMEOUT_MS: 'REPLACE_WITH_TIMEOUT' })).problems).toEqual([]);
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
