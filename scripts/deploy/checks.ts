/**
 * What `npm run deploy` refuses before anything is uploaded, as pure functions of one
 * environment's resolved wrangler configuration and of the secrets file given with it: what a
 * deployment needs beyond what the Worker parses (its own ENVIRONMENT, https panel origins, no
 * secret in plain text, a secrets file wrangler reads as checked). The values themselves are
 * then judged by the Worker's own parser (scripts/deploy/worker-config.ts).
 */
import { parseEnv } from 'node:util';
import { BINDING_NAMES, SECRET_BINDINGS, type BindingName } from '../../src/bindings.js';
import { SHIPPED_SECRETS } from '../../src/shipped-secrets.js';

/** Marks every value of wrangler.jsonc a deployer must replace. */
export const PLACEHOLDER = 'REPLACE_WITH_';
/** The local database id of the top level; copied into an environment it is a placeholder too. */
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

/** Any text of at least MIN_SECRET_LENGTH characters: 64 hex digits. */
const HEX_SECRET = 'openssl rand -hex 32';
/** `whsec_` + base64 of 24 to 64 bytes (src/contract/signature.ts): hex would not decode. */
const SIGNING_SECRET = 'echo "whsec_$(openssl rand -base64 32)"';

/** How to make a value the Worker accepts, for the secrets a deployer generates (the others come from the SSO, the database). */
export const GENERATE: Partial<Record<BindingName, string>> = {
  VPS_SYNC_API_KEY: HEX_SECRET,
  VPS_SYNC_API_KEY_PREVIOUS: HEX_SECRET,
  VPS_SYNC_SIGNING_SECRET: SIGNING_SECRET,
  VPS_SYNC_SIGNING_SECRET_PREVIOUS: SIGNING_SECRET,
  JWT_SECRET: HEX_SECRET,
};

/** What a check refuses: the problems, and the names they are about (the Worker's parser leaves those alone). */
export interface Refusals {
  problems: string[];
  names: Set<string>;
}

/** Empty refusals, and the function that refuses `name` for `problem`. */
function refusals(): [Refusals, (name: string, problem: string) => void] {
  const refused: Refusals = { problems: [], names: new Set() };
  const refuse = (name: string, problem: string) => {
    refused.problems.push(problem);
    refused.names.add(name);
  };
  return [refused, refuse];
}

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
export function varProblems(env: string, vars: Record<string, unknown>): Refusals {
  const where = `env.${env}.vars`;
  const [refused, refuse] = refusals();
  const expected: readonly string[] = (DEPLOYED_ENVIRONMENTS as readonly string[]).includes(env) ? [env] : DEPLOYED_ENVIRONMENTS;
  if (!expected.includes(String(vars.ENVIRONMENT))) {
    refuse(
      'ENVIRONMENT',
      `${where}.ENVIRONMENT is ${JSON.stringify(vars.ENVIRONMENT ?? null)}: set it to ${expected.map((e) => `"${e}"`).join(' or ')} ` +
        '(only development and test accept the secrets this repository ships)',
    );
  }
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string') refuse(name, `${where}.${name} is not a string: the Worker reads its vars as text`);
    else if (SHIPPED_SECRETS.has(value)) refuse(name, `${where}.${name} holds a value shipped in this repository (an example or development secret)`);
    if ((SECRET_BINDINGS as readonly string[]).includes(name)) {
      refuse(name, `${where}.${name} is a secret, committed here in plain text: remove it and run: npx wrangler secret put ${name} --env ${env}`);
    }
  }
  const origins = typeof vars.CORS_ORIGINS === 'string' ? vars.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean) : [];
  for (const origin of origins) {
    if (origin.includes(PLACEHOLDER)) continue; // listed with the other placeholders
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    const listed = `${where}.CORS_ORIGINS lists ${JSON.stringify(origin)}`;
    if (!url || url.protocol !== 'https:') refuse('CORS_ORIGINS', `${listed}: a deployed panel's origin is https://<its hostname>`);
    else if (LOOPBACK.test(url.hostname)) refuse('CORS_ORIGINS', `${listed}: the local machine is no deployed panel`);
    // The browser sends the origin in this form: any other spelling would never match it.
    else if (url.origin !== origin) refuse('CORS_ORIGINS', `${listed}: write it as ${url.origin}`);
  }
  return refused;
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

/**
 * The secrets about to be uploaded with the version, as a file: names the Worker reads as
 * secrets, no empty value, no value shipped in this repository, nothing wrangler would change.
 */
export function secretProblems(env: string, file: string, secrets: SecretsFile): Refusals {
  const [refused, refuse] = refusals();
  for (const [name, value] of Object.entries(secrets.values)) {
    const what = `${name} in ${file}`;
    if (!(BINDING_NAMES as readonly string[]).includes(name)) {
      refuse(name, `${what}: the Worker reads no binding of that name (it reads ${SECRET_BINDINGS.join(', ')}, …)`);
    } else if ((CONFIG_VARS as readonly string[]).includes(name)) {
      refuse(name, `${what}: ${name} is set per environment in wrangler.jsonc (env.${env}.vars), not as a secret`);
    } else if (value === '') {
      refuse(name, `${what} is empty: the Worker would take it as not set`);
    } else if (SHIPPED_SECRETS.has(value)) {
      const generate = GENERATE[name as BindingName];
      refuse(name, `${what} is a value shipped in this repository (an example or development secret)${generate ? `: generate one with: ${generate}` : ''}`);
    }
    // wrangler expands $NAME in a dotenv secrets file from the shell: the uploaded value would not be the one checked here.
    if (secrets.format === 'dotenv' && value.includes('$')) {
      refused.problems.push(`${what} contains "$", which wrangler would expand from the environment: write the file as JSON instead`);
    }
  }
  return refused;
}
