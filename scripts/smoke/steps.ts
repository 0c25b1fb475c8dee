/**
 * The smoke test of a deployed Worker (`npm run smoke -- <url>`): liveness, readiness, then one
 * round trip as the two real callers make it — a create with the API key (the main site), a
 * listing with a Bearer token (the panel) that must show it, and a delete that removes it again.
 * Every step prints one line; the VPS it creates is deleted even when the listing fails. Given
 * the signing secret, it signs its sync requests as the main site's client does (its signer).
 */
import { decodeJwt, SignJWT } from 'jose';
import { signerFor } from '../../packages/client/sign.js';

export interface SmokeOptions {
  /** The Worker's origin, e.g. https://vps-sync-staging.example.com */
  url: URL;
  apiKey: string;
  /** VPS_SYNC_SIGNING_SECRET: every sync request is signed with it (a Worker with VPS_SYNC_REQUIRE_SIGNATURE=true refuses unsigned ones). */
  signingSecret?: string;
  /** A Bearer token of `userId`; signed with `jwt` when absent. */
  token?: string;
  jwt?: { secret: string; algorithm: string; issuer?: string; audience?: string; userIdClaim?: string };
  userId: number;
  /** Lets the smoke test write to a Worker that says it is production. */
  production: boolean;
  fetch?: typeof fetch;
  print?: (line: string) => void;
  timeoutMs?: number;
}

/** The exit code of a smoke run: 0 every step passed, 1 one failed, 2 refused to run. */
export type SmokeResult = 0 | 1 | 2;

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  ms: number;
}

/** A user id no real user is expected to have: the smoke test's VPS never shows in anyone's panel. */
export const DEFAULT_SMOKE_USER_ID = 4294967295;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Whether `url` may be production: anything but the local machine and hosts matching `staging` (a regular expression). */
export function looksLikeProduction(url: URL, staging: RegExp = /staging/i): boolean {
  return !LOOPBACK.test(url.hostname) && !staging.test(url.hostname);
}

/** The Worker's origin from the command line, or why it is not one. */
export function parseWorkerUrl(text: string): URL | string {
  if (!URL.canParse(text)) return `${JSON.stringify(text)} is not a URL (e.g. https://vps-sync-staging.example.com)`;
  const url = new URL(text);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    return `${text}: a deployed Worker is reached over https (http only for localhost)`;
  }
  if (url.pathname !== '/' || url.search || url.hash) return `${text}: give the Worker's origin only, without a path or query`;
  return url;
}

/** The user id a token names, read as the Worker reads it (unverified: only to create the VPS for that user). */
export function userIdOf(token: string, claim?: string): number | undefined {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    return undefined;
  }
  const value = claim ? payload[claim] : (payload.user_id ?? (/^\d+$/.test(String(payload.sub)) ? payload.sub : undefined));
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

async function bearerToken(options: SmokeOptions): Promise<string> {
  if (options.token) return options.token;
  const jwt = options.jwt!;
  let token = new SignJWT({ [jwt.userIdClaim || 'user_id']: options.userId })
    .setProtectedHeader({ alg: jwt.algorithm, typ: 'JWT' })
    .setSubject(String(options.userId))
    .setIssuedAt()
    .setExpirationTime('5m');
  if (jwt.issuer) token = token.setIssuer(jwt.issuer);
  if (jwt.audience) token = token.setAudience(jwt.audience);
  return token.sign(new TextEncoder().encode(jwt.secret));
}

/** Runs the steps against `options.url`, printing one line per step. */
export async function smoke(options: SmokeOptions): Promise<SmokeResult> {
  const print = options.print ?? console.log;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const origin = options.url.origin;

  async function call(method: string, path: string, headers: Record<string, string>, payload?: string): Promise<Answer> {
    const started = performance.now();
    const response = await doFetch(`${origin}${path}`, {
      method,
      headers: { ...headers, ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object' && !Array.isArray(json)) parsed = json as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's page): reported as such below.
    }
    return { status: response.status, body: parsed, ms: Math.round(performance.now() - started) };
  }

  const sign = options.signingSecret === undefined ? undefined : signerFor(options.signingSecret);
  /** A sync request as the main site sends it: the API key, and a signature over the exact body when there is a secret. */
  async function sync(body: unknown): Promise<Answer> {
    const payload = JSON.stringify(body);
    const signature = sign ? await sign(payload, Date.now()) : {};
    return call('POST', '/api/vps/sync', { 'X-API-Key': options.apiKey, ...signature }, payload);
  }

  const report = (ok: boolean, step: string, answer: Answer | undefined, detail: string) =>
    print(`${ok ? 'ok  ' : 'FAIL'} ${step.padEnd(7)} ${answer ? `${answer.status} ${String(answer.ms).padStart(5)} ms` : '   -      -   '}  ${detail}`);

  /** The error envelope in a line: code, message, every field error, the request id to find it in the logs. */
  const why = (a: Answer) => {
    if (!a.body) return 'the answer is not JSON (is this the Worker?)';
    const errors = Array.isArray(a.body.errors) ? (a.body.errors as { field?: string; message?: string }[]).map((e) => `${e.field}: ${e.message}`) : [];
    return [`${a.body.code ?? a.body.status}: ${a.body.message}`, ...errors, a.body.request_id ? `request_id ${a.body.request_id}` : ''].filter(Boolean).join('; ');
  };

  /** One step: its answer, or undefined after printing the failure. */
  async function step(name: string, run: () => Promise<Answer>, expect: (a: Answer) => string | undefined): Promise<Answer | undefined> {
    let answer: Answer;
    try {
      answer = await run();
    } catch (err) {
      report(false, name, undefined, `no answer: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}`);
      return undefined;
    }
    const detail = expect(answer);
    if (detail === undefined) return answer;
    report(false, name, answer, detail);
    return undefined;
  }

  print(`Smoke test of ${origin}`);
  const health = await step('health', () => call('GET', '/health', {}), (a) => (a.status === 200 && a.body?.status === 'success' ? undefined : why(a)));
  if (!health) return 1;
  report(true, 'health', health, 'live');

  const ready = await step('ready', () => call('GET', '/health/ready', {}), (a) => (a.status === 200 && a.body?.message === 'ready' ? undefined : why(a)));
  if (!ready) return 1;
  const environment = String(ready.body?.environment);
  report(true, 'ready', ready, `environment ${environment}, every setting valid, database answering`);
  if (environment === 'production' && !options.production) {
    print(`Refusing to write to ${origin}: it says environment=production. Pass --production to create and delete a test VPS there.`);
    return 2;
  }

  const externalId = `smoke-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
  const created = await step(
    'create',
    () =>
      sync({
        action: 'create',
        vps: { user_id: options.userId, external_id: externalId, name: 'npm run smoke', status: 'creating', cpu: 1, ram: 512, disk: 10, os: 'smoke test', hypervisor: 'kvm' },
      }),
    (a) => (a.status === 201 && a.body?.outcome === 'created' ? undefined : why(a)),
  );
  if (!created) return 1;
  const id = (created.body?.vps as { id?: unknown } | undefined)?.id;
  report(true, 'create', created, `VPS ${id} (external_id ${externalId}) for user ${options.userId}${sign ? ', signed' : ''}`);

  let failed = false;
  try {
    const token = await bearerToken(options);
    const listed = await step(
      'list',
      () => call('GET', '/api/vps?limit=100', { Authorization: `Bearer ${token}` }),
      (a) => {
        if (a.status !== 200 || !Array.isArray(a.body?.vps)) return why(a);
        const found = (a.body.vps as { id?: unknown }[]).some((v) => v.id === id);
        return found ? undefined : `VPS ${id} is not in user ${options.userId}'s list: the token's user is another one`;
      },
    );
    if (listed) report(true, 'list', listed, `VPS ${id} listed for user ${options.userId} with a Bearer token`);
    else failed = true;
  } catch (err) {
    report(false, 'list', undefined, `cannot sign a token: ${(err as Error).message}`);
    failed = true;
  } finally {
    // Always: the smoke test leaves nothing behind, whatever the listing did.
    const deleted = await step(
      'delete',
      () => sync({ action: 'delete', vps: { id } }),
      (a) => (a.status === 200 && a.body?.outcome === 'deleted' ? undefined : why(a)),
    );
    if (deleted) report(true, 'delete', deleted, `VPS ${id} deleted`);
    else failed = true;
  }
  print(failed ? 'Smoke test FAILED' : 'Smoke test passed');
  return failed ? 1 : 0;
}
