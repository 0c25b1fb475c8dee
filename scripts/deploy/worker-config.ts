/**
 * An environment's vars and the secrets of `--secrets-file`, judged by the Worker's own parser
 * (src/config.ts), setting by setting as /health/ready reports them: what the Worker would refuse
 * (500 misconfigured, /health/ready 503 not_ready), the deploy refuses before the upload, naming
 * the binding (the parser's problems never hold a value).
 *
 * Secrets stored in Cloudflare cannot be read back. One listed in the environment's
 * `secrets.required` is there (wrangler deploy refuses otherwise); any other may be or not. So
 * the settings are judged twice: with a valid stand-in for every secret the file does not give
 * (a problem then lies in the vars or the file, whatever is stored), and with stand-ins only for
 * the required ones (a problem only this finds needs a secret nothing makes sure of, such as
 * VPS_SYNC_SIGNING_SECRET under VPS_SYNC_REQUIRE_SIGNATURE=true: the file or secrets.required
 * must then hold it).
 */
import { RATE_LIMIT_BINDINGS, SECRET_BINDINGS, type BindingName } from '../../src/bindings.js';
import { parseConfig, settingsOf, type Bindings } from '../../src/config.js';
import { SIGNING_SECRET_PREFIX } from '../../src/contract/index.js';
import { GENERATE, PLACEHOLDER } from './checks.js';

export interface WorkerEnvironment {
  /** Its name: staging, production. */
  env: string;
  /** Its vars, but those the checks refused already. */
  vars: Record<string, string>;
  /** The secrets of --secrets-file (named `file`), but those the checks refused already. */
  secrets: Record<string, string>;
  file?: string;
  /** env.<env>.secrets.required: wrangler deploy refuses while one of them is not stored. */
  requiredSecrets: readonly string[];
  /** The bindings it declares besides vars (DB, the rate limiters). */
  declared: readonly string[];
}

const RATE_LIMITERS: readonly string[] = Object.values(RATE_LIMIT_BINDINGS);

/** A value the Worker accepts for secret `name`, standing in for one that may be stored (never uploaded). */
function standIn(name: BindingName): string {
  if (name.startsWith('VPS_SYNC_SIGNING_SECRET')) return `${SIGNING_SECRET_PREFIX}${btoa('stand-in'.repeat(4))}`;
  if (name === 'DATABASE_URL') return 'mysql://stand-in:stand-in@stand-in.invalid/vps';
  return 'stand-in-'.repeat(4);
}

/** The problem of each setting the Worker would refuse with these bindings, by its /health/ready field. */
function refusedSettings(e: WorkerEnvironment, standIns: readonly BindingName[]): Map<string, string> {
  const bindings: Record<string, unknown> = Object.fromEntries(
    e.declared.map((name) => [name, RATE_LIMITERS.includes(name) ? { limit: async () => ({ success: true }) } : {}]),
  );
  Object.assign(bindings, e.vars, e.secrets, Object.fromEntries(standIns.map((name) => [name, standIn(name)])));
  const settings = settingsOf(parseConfig(bindings as Bindings));
  return new Map(settings.flatMap(([field, section]) => (section.ok ? [] : [[field, section.problem]])));
}

/**
 * The problem where the deployer changes it: in the vars, in the file, or in the environment.
 * `ofTheValue`: a secret of the file is refused for its value, and another would do.
 */
function located(e: WorkerEnvironment, problem: string, ofTheValue = false): string | undefined {
  const name = /^[A-Z][A-Z0-9_]*/.exec(problem)?.[0] ?? '';
  if (Object.hasOwn(e.secrets, name)) {
    const generate = ofTheValue && GENERATE[name as BindingName];
    return `${name} in ${e.file}${problem.slice(name.length)}${generate ? `: generate one with: ${generate}` : ''}`;
  }
  if (Object.hasOwn(e.vars, name)) return e.vars[name]!.includes(PLACEHOLDER) ? undefined : `env.${e.env}.vars.${problem}`;
  return `env.${e.env}: ${problem}`;
}

/** What the Worker of environment `e.env` would refuse, as the deploy's problems. */
export function workerConfigProblems(e: WorkerEnvironment): string[] {
  const notGiven = SECRET_BINDINGS.filter((name) => e.vars[name] === undefined && e.secrets[name] === undefined);
  const required = notGiven.filter((name) => e.requiredSecrets.includes(name));
  const whateverIsStored = refusedSettings(e, notGiven);
  // Whatever is stored, these stay: a secret of the file is refused for its value, not for what it goes with.
  const problems = [...whateverIsStored.values()].map((problem) => located(e, problem, true));

  for (const [field, problem] of refusedSettings(e, required)) {
    const where = located(e, problem);
    if (whateverIsStored.has(field) || !where) continue;
    // The secrets of which any one would do (none: it takes several, which the problem names).
    const cures = notGiven.filter((name) => !required.includes(name) && !refusedSettings(e, [...required, name]).has(field));
    const one = cures.length === 1;
    problems.push(
      `${where} (unless stored already, which cannot be checked here): give ${cures.length ? cures.join(' or ') : 'the secrets it names'} ` +
        `in ${e.file ?? '--secrets-file'}, or list ${one ? 'it' : 'them'} in env.${e.env}.secrets.required so that wrangler deploy refuses ` +
        `while ${one ? 'it is' : 'they are'} not stored`,
    );
  }
  return problems.filter((p) => p !== undefined);
}
