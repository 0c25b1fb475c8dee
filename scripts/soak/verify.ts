/**
 * After the soak: the panel's state, read back as the panel reads it (GET /api/vps with each
 * user's token) and straight from the database (tombstones and duplicates included), against
 * what the main sites' acknowledged events say it must be.
 */
import mysql from 'mysql2/promise';
import { tokenFor, type WireVps } from '../../test/tokens.js';
import type { MysqlTarget } from '../mysql.js';
import type { ExpectedVps, VpsData } from './main-site.js';

/** Findings by external_id (one line each), so a row found wrong twice counts once. */
export type Findings = Map<string, string>;

export interface Verdict {
  expectedLive: number;
  expectedDeleted: number;
  /** Expected live but not listed, or a deleted VPS whose row is gone. */
  lost: Findings;
  /** Listed (or stored) more than once, or rows no event accounts for. */
  duplicated: Findings;
  /** Listed with other data or version, or listed although deleted. */
  differing: Findings;
}

const note = (findings: Findings, id: string, line: string) => {
  if (!findings.has(id)) findings.set(id, line);
};

const FIELDS: (keyof VpsData)[] = ['name', 'status', 'cpu', 'ram', 'disk', 'os', 'hypervisor'];

async function listAll(origin: string, user: number): Promise<WireVps[]> {
  const headers = { Authorization: `Bearer ${await tokenFor(user)}` };
  const all: WireVps[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await fetch(`${origin}/api/vps?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    if (res.status !== 200) throw new Error(`listing user ${user}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { vps: WireVps[]; next_cursor: string | null };
    all.push(...body.vps);
    cursor = body.next_cursor;
    if (!cursor) return all;
  }
  throw new Error(`listing user ${user}: more than 100 pages`);
}

export async function verify(origin: string, target: MysqlTarget, expected: ExpectedVps[]): Promise<Verdict> {
  const verdict: Verdict = {
    expectedLive: expected.filter((v) => !v.deleted).length,
    expectedDeleted: expected.filter((v) => v.deleted).length,
    lost: new Map(),
    duplicated: new Map(),
    differing: new Map(),
  };
  const byId = new Map(expected.map((v) => [v.external_id, v]));
  const users = [...new Set(expected.map((v) => v.user_id))];

  for (const user of users) {
    const listed = await listAll(origin, user);
    const seen = new Map<string, number>();
    for (const row of listed) {
      const id = row.external_id ?? `(no external_id, id ${row.id})`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const want = byId.get(id);
      if (!want || want.user_id !== user) {
        note(verdict.duplicated, id, `user ${user}: listed ${id}, which no event created`);
      } else if (want.deleted) {
        note(verdict.differing, id, `user ${user}: ${id} is listed, but was deleted (version ${want.version})`);
      } else {
        const diff = FIELDS.filter((f) => row[f] !== want.data[f]).map((f) => `${f} ${JSON.stringify(row[f])} != ${JSON.stringify(want.data[f])}`);
        if (row.version !== want.version) diff.push(`version ${row.version} != ${want.version}`);
        if (diff.length > 0) note(verdict.differing, id, `user ${user}: ${id}: ${diff.join(', ')}`);
      }
    }
    for (const [id, times] of seen) if (times > 1) note(verdict.duplicated, id, `user ${user}: ${id} listed ${times} times`);
    for (const want of expected) {
      if (want.user_id === user && !want.deleted && !seen.has(want.external_id)) note(verdict.lost, want.external_id, `user ${user}: ${want.external_id} (version ${want.version}) is not listed`);
    }
  }

  // The database itself: one row per external_id, tombstones kept.
  const db = await mysql.createConnection(target);
  try {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      'SELECT external_id, COUNT(*) AS n, MAX(deleted_at IS NOT NULL) AS deleted FROM vps WHERE user_id IN (?) GROUP BY external_id',
      [users],
    );
    const stored = new Map(rows.map((r) => [String(r['external_id']), { n: Number(r['n']), deleted: Number(r['deleted']) === 1 }]));
    for (const [id, row] of stored) if (row.n > 1) note(verdict.duplicated, id, `${id}: ${row.n} rows in the database`);
    for (const want of expected) {
      const row = stored.get(want.external_id);
      if (want.deleted && !row) note(verdict.lost, want.external_id, `${want.external_id}: deleted, but its tombstone is gone`);
      else if (want.deleted && !row!.deleted) note(verdict.differing, want.external_id, `${want.external_id}: not deleted in the database`);
    }
  } finally {
    await db.end();
  }
  return verdict;
}
