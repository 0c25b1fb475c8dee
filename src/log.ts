/**
 * The one structured logger: every line is one JSON object `{ level, msg, request_id, ...fields }`
 * on the console, which Workers Logs indexes field by field. `request_id` is the X-Request-Id of
 * the request the line belongs to, null outside a request (the cron). Nothing else in src/ writes
 * to the console.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

function write(level: LogLevel, msg: string, fields: LogFields): void {
  // One object, not a copy of the fields and then another: request_id keeps its third place
  // (a key keeps the position it was first given), null when the caller has none.
  const entry: LogFields = { level, msg, request_id: null, ...fields };
  entry.request_id ??= null;
  const line = JSON.stringify(entry);
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields: LogFields = {}) => write('debug', msg, fields),
  info: (msg: string, fields: LogFields = {}) => write('info', msg, fields),
  warn: (msg: string, fields: LogFields = {}) => write('warn', msg, fields),
  error: (msg: string, fields: LogFields = {}) => write('error', msg, fields),
};

/**
 * An error and its causes as loggable fields (a wrapper, such as the 503's StoreUnavailableError, keeps
 * the driver's error, "no such table" or an errno, in `cause`). For logs only: none of this may reach a client.
 */
export function errorChain(err: unknown, maxDepth = 5): LogFields[] {
  const chain: LogFields[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < maxDepth; depth++) {
    if (e instanceof Error) {
      const { name, message } = e;
      const extra: LogFields = {};
      for (const key of ['code', 'errno', 'status'] as const) {
        const value = (e as unknown as Record<string, unknown>)[key];
        if (typeof value === 'string' || typeof value === 'number') extra[key] = value;
      }
      chain.push({ name, message, ...extra });
      e = e.cause;
    } else {
      chain.push({ value: String(e) });
      break;
    }
  }
  return chain;
}
