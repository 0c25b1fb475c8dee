/**
 * One simulated main site's lane: a few users whose VPS it owns, the events it sends about them,
 * and what the panel must show once every event has been acknowledged. Events of a lane go one
 * after another (each is retried until it gets an answer); lanes run side by side.
 *
 * Every write carries a `version` from the lane's clock and every update the whole VPS, as the
 * docs tell a main site to do, so the expected final state is each VPS's newest version. Some
 * changes are made "silently" (the event was lost) and reach the panel only through the next
 * reconcile of that user. Half the reconciles of two VPS or more go in pages of one run (1 to 3 VPS
 * each, as the client sends a list over 200): one event per page, each with the Idempotency-Key
 * `<reconcile_id>:<number>` the docs prescribe; a page's creates and updates count once it is
 * acknowledged, the deletes once the final page is.
 */
import type { Random } from './random.js';

export const STATUSES = ['creating', 'running', 'stopped', 'suspended'] as const;
export const HYPERVISORS = ['proxmox', 'vmware', 'hyperv', 'kvm', 'xen'] as const;
const OSES = ['Ubuntu 22.04 LTS', 'Debian 12', 'AlmaLinux 9', 'Windows Server 2022', 'Arch Linux'];

export interface VpsData {
  name: string;
  status: (typeof STATUSES)[number];
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: (typeof HYPERVISORS)[number];
}

export interface ExpectedVps {
  user_id: number;
  external_id: string;
  data: VpsData;
  version: number;
  deleted: boolean;
}

export type OpKind = 'create' | 'update' | 'delete' | 'reconcile' | 'reconcile_page' | 'late_duplicate';

export interface Op {
  kind: OpKind;
  body: unknown;
  /** Sent with this Idempotency-Key (the same on every retry and duplicate), or without one. */
  idempotencyKey?: string;
  /**
   * The final page of a paged reconcile: a `409 reconcile_closed` answer to it means this page was
   * applied (only the final page closes a run, and this lane's run ids are its own), when a retry or
   * a second copy finds its first answer lost or not stored.
   */
  closesRun?: boolean;
}

type Next = { op: Op; acknowledge: () => void };

const MAX_LIVE_PER_USER = 8;

export class MainSite {
  private clock = 0;
  private created = 0;
  private ops = 0;
  readonly vps = new Map<string, ExpectedVps>();
  /** Events already acknowledged, for late duplicate deliveries (pages are not: a late page of a closed run is refused). */
  private readonly sent: Op[] = [];
  /** The pages of a paged reconcile not sent yet: they go before any other event of this lane. */
  private readonly pages: Next[] = [];
  private runs = 0;

  constructor(
    readonly lane: number,
    readonly users: number[],
    private readonly random: Random,
    private readonly runId: string,
    /** Share of events sent with an Idempotency-Key. */
    private readonly keyRate = 0.7,
  ) {}

  /** The next event to send; its effect on the expected state is applied once it is acknowledged. */
  next(): Next {
    const page = this.pages.shift();
    if (page) return page;
    const user = this.random.pick(this.users);
    const live = this.liveOf(user);
    const roll = this.random.next();
    if (this.sent.length > 10 && roll < 0.08) {
      // A late copy of an event already acknowledged: it must change nothing.
      return { op: { ...this.random.pick(this.sent), kind: 'late_duplicate' }, acknowledge: () => {} };
    }
    if (live.length === 0 || (live.length < MAX_LIVE_PER_USER && roll < 0.3)) return this.create(user);
    if (roll < 0.72) return this.update(this.random.pick(live));
    if (roll < 0.84) return this.delete(this.random.pick(live));
    return this.reconcile(user);
  }

  private keyed(op: Omit<Op, 'idempotencyKey'>): Op {
    this.ops += 1;
    return this.random.next() < this.keyRate ? { ...op, idempotencyKey: `soak-${this.runId}-${this.lane}-${this.ops}` } : op;
  }

  private liveOf(user: number): ExpectedVps[] {
    return [...this.vps.values()].filter((v) => v.user_id === user && !v.deleted);
  }

  private data(): VpsData {
    const r = this.random;
    return {
      name: `vps-${this.lane}-${r.int(1, 99_999)}${r.next() < 0.2 ? ' Сервер ✓' : ''}`,
      status: r.pick(STATUSES),
      cpu: r.int(1, 64),
      ram: r.pick([512, 1024, 2048, 4096, 8192]),
      disk: r.int(10, 500),
      os: r.pick(OSES),
      hypervisor: r.pick(HYPERVISORS),
    };
  }

  private newVps(user: number): ExpectedVps {
    this.created += 1;
    return { user_id: user, external_id: `soak-${this.runId}-${this.lane}-${this.created}`, data: this.data(), version: ++this.clock, deleted: false };
  }

  private done(op: Op, apply: () => void): Next {
    return {
      op,
      acknowledge: () => {
        apply();
        if (op.kind !== 'reconcile_page') this.sent.push(op);
      },
    };
  }

  private create(user: number) {
    const vps = this.newVps(user);
    const op = this.keyed({ kind: 'create', body: { action: 'create', vps: { user_id: user, external_id: vps.external_id, ...vps.data, version: vps.version } } });
    return this.done(op, () => this.vps.set(vps.external_id, vps));
  }

  private update(target: ExpectedVps) {
    const next = { ...target, data: this.data(), version: ++this.clock };
    const op = this.keyed({ kind: 'update', body: { action: 'update', vps: { external_id: target.external_id, ...next.data, version: next.version } } });
    return this.done(op, () => this.vps.set(target.external_id, next));
  }

  private delete(target: ExpectedVps) {
    const version = ++this.clock;
    const op = this.keyed({ kind: 'delete', body: { action: 'delete', vps: { external_id: target.external_id, version } } });
    return this.done(op, () => this.vps.set(target.external_id, { ...target, version, deleted: true }));
  }

  /** Changes that never reached the panel as events, then the user's full list. */
  private reconcile(user: number) {
    const silent = new Map<string, ExpectedVps>();
    const live = this.liveOf(user);
    for (let i = this.random.int(0, 2); i > 0; i--) {
      const roll = this.random.next();
      const candidates = live.filter((v) => !silent.has(v.external_id));
      if (roll < 0.4 || candidates.length === 0) {
        const vps = this.newVps(user);
        silent.set(vps.external_id, vps);
      } else {
        const target = this.random.pick(candidates);
        silent.set(target.external_id, roll < 0.75 ? { ...target, data: this.data(), version: ++this.clock } : { ...target, version: ++this.clock, deleted: true });
      }
    }
    const after = new Map([...live.map((v) => [v.external_id, v] as const), ...silent]);
    const items = [...after.values()].filter((v) => !v.deleted).map((v) => ({ external_id: v.external_id, ...v.data, version: v.version }));
    const version = ++this.clock;
    if (items.length >= 2 && this.random.next() < 0.5) return this.paged(user, version, items, silent);
    const op = this.keyed({ kind: 'reconcile', body: { action: 'reconcile', user_id: user, version, vps: items } });
    return this.done(op, () => {
      for (const [id, vps] of silent) this.vps.set(id, vps);
    });
  }

  /** The same list in pages of one run; returns the first page and queues the others. */
  private paged(user: number, version: number, items: { external_id: string }[], silent: Map<string, ExpectedVps>): Next {
    const reconcileId = `soak-${this.runId}-${this.lane}-run${++this.runs}`;
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; ) {
      const size = this.random.int(1, 3);
      chunks.push(items.slice(i, i + size));
      i += size;
    }
    const pages = chunks.map((chunk, index) => {
      const number = index + 1;
      const final = number === chunks.length;
      const op: Op = {
        kind: 'reconcile_page',
        body: { action: 'reconcile', user_id: user, version, vps: chunk, page: { reconcile_id: reconcileId, number, final } },
        idempotencyKey: `${reconcileId}:${number}`,
        ...(final ? { closesRun: true } : {}),
      };
      const listed = new Set(chunk.map((item) => item.external_id));
      return this.done(op, () => {
        for (const [id, vps] of silent) if (listed.has(id) || (final && vps.deleted)) this.vps.set(id, vps);
      });
    });
    this.pages.push(...pages.slice(1));
    return pages[0]!;
  }
}
