import type { ServerResponse } from 'node:http';

export type FaultMode = 'none' | 'hang' | 'html502' | 'error500';

export interface Fault {
  mode: FaultMode;
  /** Apply to the next N database requests only, then clear automatically. Omitted = until changed. */
  count?: number;
  /**
   * Apply only to Execute requests whose SQL matches this case-insensitive regular expression
   * (e.g. "^insert into `vps`"), so a test can fail one statement of an operation and not the
   * others. Omitted = every request. CreateSession never matches a pattern.
   */
  match?: string;
}

export interface FaultState {
  mode: FaultMode;
  match?: string;
  /** Requests the current fault still applies to; absent when it applies until changed. */
  remaining?: number;
  /** Requests currently held open by `hang`. */
  held: number;
}

const MODES: readonly FaultMode[] = ['none', 'hang', 'html502', 'error500'];

/** Validates untrusted input (the HTTP control endpoint); returns an error message on failure. */
export function parseFault(raw: unknown): Fault | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'fault must be a JSON object';
  const { mode, count, match } = raw as Record<string, unknown>;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    return `mode must be one of ${MODES.join(', ')}`;
  }
  if (count !== undefined && count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    return 'count must be a positive integer';
  }
  if (match !== undefined && match !== null) {
    if (typeof match !== 'string' || match === '') return 'match must be a non-empty regular expression';
    try {
      new RegExp(match, 'i');
    } catch {
      return 'match must be a valid regular expression';
    }
  }
  const fault: Fault = { mode: mode as FaultMode };
  if (typeof count === 'number') fault.count = count;
  if (typeof match === 'string') fault.match = match;
  return fault;
}

// What an overloaded edge proxy in front of the API sends: HTML, not JSON, so the
// driver has to cope with a body it cannot parse.
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Injects transport-level failures in front of the database API. Faulted requests
 * never reach MySQL, so a test can assert that a retried write was not applied twice.
 */
export class FaultInjector {
  private mode: FaultMode = 'none';
  private remaining: number | null = null;
  private match: RegExp | null = null;
  private readonly held = new Set<ServerResponse>();

  set(fault: Fault): void {
    const checked = parseFault(fault);
    if (typeof checked === 'string') throw new TypeError(checked);
    // Requests held by a previous `hang` are cut off: a caller that clears the fault wants a clean slate.
    this.dropHeld();
    this.mode = checked.mode;
    this.remaining = checked.mode === 'none' ? null : (checked.count ?? null);
    this.match = checked.mode === 'none' || !checked.match ? null : new RegExp(checked.match, 'i');
  }

  state(): FaultState {
    const state: FaultState = { mode: this.mode, held: this.held.size };
    if (this.match) state.match = this.match.source;
    if (this.remaining !== null) state.remaining = this.remaining;
    return state;
  }

  /**
   * Decides the fate of one database request (`query`: its SQL; null for CreateSession),
   * consuming one unit of a counted fault when it applies.
   */
  take(query: string | null): FaultMode {
    const mode = this.mode;
    if (mode === 'none') return mode;
    if (this.match && (query === null || !this.match.test(query))) return 'none';
    if (this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining <= 0) {
        // Auto-clear leaves already-held requests hanging: they model calls that never get an answer.
        this.mode = 'none';
        this.remaining = null;
        this.match = null;
      }
    }
    return mode;
  }

  /** Answers a request according to `mode`; for `hang` it deliberately never answers. */
  apply(mode: Exclude<FaultMode, 'none'>, res: ServerResponse): void {
    switch (mode) {
      case 'hang':
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      case 'html502':
        res.writeHead(502, { 'content-type': 'text/html', connection: 'close' });
        res.end(BAD_GATEWAY_HTML);
        return;
      case 'error500':
        // Connect-style error body without an `error` member, like an upstream failure:
        // the driver reports it as a non-database (UnknownError) failure.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal', message: 'simulated upstream failure (ps-http fault error500)' }));
        return;
    }
  }

  /** Destroys the sockets of held requests; needed on clear and on shutdown so nothing waits forever. */
  dropHeld(): void {
    for (const res of this.held) {
      res.socket?.destroy();
      res.destroy();
    }
    this.held.clear();
  }
}
