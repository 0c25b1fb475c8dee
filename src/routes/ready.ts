import { Hono } from 'hono/tiny';
import { settingsOf, type Config } from '../config.js';
import type { AppEnv } from '../env.js';
import { ApiError, methodNotAllowed, StoreUnavailableError, type FieldError } from '../errors.js';
import { errorChain, log } from '../log.js';
import { storesFor } from '../store/select.js';

/** How long the readiness query may take: a probe must answer fast, whatever the database does. */
export const READY_TIMEOUT_MS = 2000;

const MISSING_TABLE = /no such table|doesn't exist|errno 1146/i;

/** Why the database is not ready, in words that name no host, user or SQL. */
async function databaseProblem(config: Config): Promise<string | undefined> {
  if (!config.database.ok) return undefined; // reported as a setting
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS)));
  try {
    const result = await Promise.race([storesFor(config.database.value).vps.ping().then(() => 'ok' as const), timeout]);
    return result === 'ok' ? undefined : `did not answer within ${READY_TIMEOUT_MS} ms`;
  } catch (err) {
    const chain = errorChain(err);
    log.warn('readiness: database check failed', { error: chain });
    if (chain.some((e) => MISSING_TABLE.test(String(e.message)))) return 'the vps table is missing: apply the migrations';
    if (err instanceof StoreUnavailableError) return 'unreachable or failing transiently';
    return 'the readiness query failed (see the logs)';
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * GET /health/ready: every setting parses and the database answers one trivial query in time.
 * 200 with each check, or 503 `not_ready` naming each failing part (never a secret or a host).
 * /health stays liveness. Any other method is 405.
 */
export const readyRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const config = c.get('config');
    const settings = settingsOf(config);
    const problems: FieldError[] = settings.flatMap(([field, s]) => (s.ok ? [] : [{ field, message: s.problem }]));
    const database = await databaseProblem(config);
    if (database) problems.push({ field: 'database', message: database });
    if (problems.length) {
      throw new ApiError('not_ready', `Not ready: ${[...new Set(problems.map((p) => p.field))].join(', ')}`, { errors: problems });
    }
    return c.json({ status: 'success', message: 'ready', environment: config.environment, checks: Object.fromEntries(settings.map(([f]) => [f, 'ok'])) });
  })
  .all('/', methodNotAllowed('GET'));
