/**
 * How the soak's main site sends an event: POST /api/vps/sync, retried until it gets an answer
 * (a 503, a 5xx, a 429 and a 409 "still in progress" are retried after their Retry-After, a failed
 * connection after a second), optionally as two copies at once (a duplicated delivery).
 */
import type { Op } from './main-site.js';

export interface Tally {
  /** HTTP requests, retries and duplicate copies included. */
  requests: number;
  retries: number;
  duplicateCopies: number;
  /** Answers by status ("network" when no answer came). */
  byStatus: Map<string, number>;
  /** 503s that were not the API's own (no Retry-After): the local proxy's, not the Worker's; a few samples. */
  foreign503: number;
  foreign503Samples: string[];
  /** 409s "still in progress": the key's first request is running, or died and holds its lease. */
  inProgress409: number;
  /** Events answered only after more than 30 s (waiting out a dead request's lease). */
  slowEvents: number;
  /** Answers the soak did not expect (a 4xx other than a 409 in progress), described. */
  unexpected: string[];
  /** Late copies without Idempotency-Key that changed something. */
  lateApplied: string[];
  /** Longest time from the first send of an event to its final answer, ms. */
  slowestMs: number;
}

export const newTally = (): Tally => ({
  requests: 0,
  retries: 0,
  duplicateCopies: 0,
  byStatus: new Map(),
  foreign503: 0,
  foreign503Samples: [],
  inProgress409: 0,
  slowEvents: 0,
  unexpected: [],
  lateApplied: [],
  slowestMs: 0,
});

export type Outcome = 'acknowledged' | 'refused' | 'unresolved';

const REQUEST_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Delivery {
  constructor(
    private readonly origin: string,
    private readonly apiKey: string,
    private readonly tally: Tally,
    /** Past this instant an event still without an answer is given up as unresolved. */
    private readonly giveUpAt: number,
  ) {}

  /** Sends `op` (`copies` at once), each copy until answered. */
  async deliver(op: Op, copies: 1 | 2): Promise<Outcome> {
    const started = Date.now();
    if (copies === 2) this.tally.duplicateCopies += 1;
    const outcomes = await Promise.all(Array.from({ length: copies }, () => this.sendUntilAnswered(op)));
    const took = Date.now() - started;
    this.tally.slowestMs = Math.max(this.tally.slowestMs, took);
    if (took > 30_000) this.tally.slowEvents += 1;
    if (outcomes.includes('unresolved')) return 'unresolved';
    return outcomes.includes('refused') ? 'refused' : 'acknowledged';
  }

  private count(status: string) {
    this.tally.byStatus.set(status, (this.tally.byStatus.get(status) ?? 0) + 1);
  }

  private async sendUntilAnswered(op: Op): Promise<Outcome> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-API-Key': this.apiKey };
    if (op.idempotencyKey) headers['Idempotency-Key'] = op.idempotencyKey;
    const body = JSON.stringify(op.body);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.tally.retries += 1;
      if (Date.now() > this.giveUpAt) return 'unresolved';
      this.tally.requests += 1;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${this.origin}/api/vps/sync`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        text = await res.text();
      } catch {
        this.count('network');
        await sleep(1000);
        continue;
      }
      this.count(String(res.status));
      const retryAfter = Number(res.headers.get('Retry-After'));
      // A 429 (the Worker's rate limit per API key: the soak sends far more than a main site would)
      // passes on its own too, and changed nothing: wait its Retry-After, as a main site does.
      if (res.status >= 500 || res.status === 429 || (res.status === 409 && retryAfter > 0)) {
        if (res.status === 409) this.tally.inProgress409 += 1;
        if (res.status === 503 && !(retryAfter > 0)) {
          this.tally.foreign503 += 1;
          if (this.tally.foreign503Samples.length < 3) this.tally.foreign503Samples.push(text.slice(0, 120));
        }
        await sleep((retryAfter > 0 ? retryAfter : 1) * 1000);
        continue;
      }
      if (res.status === 409 && op.closesRun && text.includes('"reconcile_closed"')) return 'acknowledged';
      if (res.status >= 300) {
        this.tally.unexpected.push(`${op.kind} ${body.slice(0, 160)} -> ${res.status} ${text.slice(0, 200)}`);
        return 'refused';
      }
      if (op.kind === 'late_duplicate' && !res.headers.get('Idempotent-Replayed') && changedSomething(text)) {
        this.tally.lateApplied.push(`${body.slice(0, 160)} -> ${res.status} ${text.slice(0, 200)}`);
      }
      return 'acknowledged';
    }
  }
}

/** Whether a sync answer says the event changed the panel. */
function changedSomething(text: string): boolean {
  const answer = JSON.parse(text) as { applied?: boolean; counts?: { created: number; updated: number; deleted: number } };
  if (answer.counts) return answer.counts.created + answer.counts.updated + answer.counts.deleted > 0;
  return answer.applied === true;
}
