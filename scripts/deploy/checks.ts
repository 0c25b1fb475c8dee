/**
 * What `npm run deploy` refuses before anything is uploaded, as pure functions of one
 * environment's resolved wrangler configuration and of the secrets file given with it. The
 * Worker applies the same rules at run time (src/config.ts): here they fail before the upload,
 * with a message naming what to change.
 */
import { parseEnv } from 'node:util';
import { BINDING_NAMES, SECRET_BINDINGS, type BindingName } from '../../src/bindings.js';
import { SHIPPED_SECRETS } from '../../src/shipped-secrets.js';

/** Marks every value of wrangler.jsonc a deployer must replace. */
export const PLACEHOLDER = 'REPLACE_WITH_';
/** The local database id of the top level; copied into an environment it is a placeholder too. */
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

/** MIN_SECRET_LENGTH of src/config.ts (test/node/deploy.test.ts keeps them equal). */
export const MIN_SECRET_LENGTH = 32;

/** Shared secrets the Worker requires to be at least MIN_SECRET_LENGTH long. */
const LONG_SECRETS: readonly BindingName[] = ['VPS_SYNC_API_KEY', 'VPS_SYNC_API_KEY_PREVIOUS', 'JWT_SECRET'];
/** Set in wrangler.jsonc per environment, never as secrets. */
const CONFIG_VARS: readonly BindingName[] = ['ENVIRONMENT', 'CORS_ORIGINS'];

/** The environments a deployment may declare itself as (src/config.ts ENVIRONMENTS minus the local ones). */
const DEPLOYED_ENVIRONMENTS = ['staging', 'production'] as const;

/** Every string of `value` holding a placeholder, as `path = "value"`. */
export function placeholdersIn(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes(PLACEHOLDER) || value === ZERO_ID ? [`${path} = ${JSON.stringify(value)}`] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => placeholdersIn(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => placeholdersIn(item, path ? `${path}.${key}` : key));
  }
  return [];
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** The `vars` of environment `env` as a deployment needs them. */
export function varProblems(env: string, vars: Record<string, unknown>): string[] {
  const where = `env.${env}.vars`;
  const problems: string[] = [];
  const expected: readonly string[] = (DEPLOYED_ENVIRONMENTS as readonly string[]).includes(env) ? [env] : DEPLOYED_ENVIRONMENTS;
  if (!expected.includes(String(vars.ENVIRONMENT))) {
    problems.push(
      `${where}.ENVIRONMENT is ${JSON.stringify(vars.ENVIRONMENT ?? null)}: set it to ${expected.map((e) => `"${e}"`).join(' or ')} ` +
        '(only development and test accept the secrets this repository ships)',
    );
  }
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string') problems.push(`${where}.${name} is not a string: the Worker reads its vars as text`);
    else if (SHIPPED_SECRETS.has(value)) problems.push(`${where}.${name} holds a value shipped in this repository (an example or development secret)`);
    if ((SECRET_BINDINGS as readonly string[]).includes(name)) {
      problems.push(`${where}.${name} is a secret, committed here in plain text: remove it and run: npx wrangler secret put ${name} --env ${env}`);
    }
  }
  const origins = typeof vars.CORS_ORIGINS === 'string' ? vars.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : [];
  for (const origin of origins) {
    if (origin.includes(PLACEHOLDER)) continue; // listed with the other placeholders
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    const listed = `${where}.CORS_ORIGINS lists ${JSON.stringify(origin)}`;
    if (!url || url.protocol !== 'https:') problems.push(`${listed}: a deployed panel's origin is https://<its hostname>`);
    else if (LOOPBACK.test(url.hostname)) problems.push(`${listed}: the local machine is no deployed panel`);
    // The browser sends the origin in this form: any other spelling would never match it.
    else if (url.origin !== origin) problems.push(`${listed}: write it as ${url.origin}`);
  }
  return problems;
}

/** The secrets of a `--secrets-file` as wrangler reads it: JSON, else dotenv. */
export interface SecretsFile {
  format: 'json' | 'dotenv';
  values: Record<string, string>;
}

/** Parses a secrets file's text; throws with the reason when it is neither JSON nor dotenv. */
export function parseSecretsFile(text: string): SecretsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const values = Object.fromEntries(Object.entries(parseEnv(text)).map(([k, v]) => [k, v ?? '']));
    if (!Object.keys(values).length) throw new Error('it holds no NAME=value line and is not JSON');
    return { format: 'dotenv', values };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('its JSON is not an object of NAME: "value"');
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (typeof value !== 'string') throw new Error(`${name} is not a string`);
    values[name] = value;
  }
  return { format: 'json', values };
}

/** The secrets about to be uploaded with the version, judged as the Worker of environment `env` will judge them. */
export function secretProblems(env: string, file: string, secrets: SecretsFile): string[] {
  const problems: string[] = [];
  const generate = 'generate one with: openssl rand -hex 32';
  for (const [name, value] of Object.entries(secrets.values)) {
    const what = `${name} in ${file}`;
    if (!(BINDING_NAMES as readonly string[]).includes(name)) {
      problems.push(`${what}: the Worker reads no binding of that name (it reads ${SECRET_BINDINGS.join(', ')}, …)`);
    } else if ((CONFIG_VARS as readonly string[]).includes(name)) {
      problems.push(`${what}: ${name} is set per environment in wrangler.jsonc (env.${env}.vars), not as a secret`);
    } else if (value === '') {
      problems.push(`${what} is empty: the Worker would take it as not set`);
    } else if (SHIPPED_SECRETS.has(value)) {
      problems.push(`${what} is a value shipped in this repository (an example or development secret): ${generate}`);
    } else if ((LONG_SECRETS as readonly string[]).includes(name) && value.length < MIN_SECRET_LENGTH) {
      problems.push(`${what} is shorter than ${MIN_SECRET_LENGTH} characters: ${generate}`);
    } else if (name === 'DATABASE_URL' && !URL.canParse(value)) {
      problems.push(`${what} is not a URL (mysql://user:password@host/database)`);
    }
    // wrangler expands $NAME in a dotenv secrets file from the shell: the uploaded value would not be the one checked here.
    if (secrets.format === 'dotenv' && value.includes('$')) {
      problems.push(`${what} contains "$", which wrangler would expand from the environment: write the file as JSON instead`);
    }
  }
  return problems;
}
