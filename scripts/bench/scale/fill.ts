/**
 * Grows the vps table to a given size fast: multi-row INSERTs straight to MySQL (not through the
 * endpoint), as other users' VPS, so the measured user keeps a normal number of them.
 */
import type { Connection } from 'mysql2/promise';

/** Rows per INSERT: about 1 MB of SQL, well under max_allowed_packet. */
const ROWS_PER_INSERT = 5000;
/** Each filler user owns this many VPS, as a busy panel's users might. */
const VPS_PER_FILLER_USER = 20;
/** Filler users' ids start here; the measured users' ids are below it. */
export const FIRST_FILLER_USER = 1_000_000;

const HYPERVISORS = ['proxmox', 'vmware', 'hyperv', 'kvm', 'xen'];
const STATUSES = ['creating', 'running', 'stopped', 'suspended'];

/** Adds rows until the table holds `size`; returns how long that took. */
export async function fillTo(connection: Connection, size: number): Promise<{ added: number; ms: number }> {
  const started = performance.now();
  const [[{ count }]] = (await connection.query('SELECT COUNT(*) AS count FROM vps')) as unknown as [[{ count: number }]];
  let next = Number(count);
  const added = Math.max(0, size - next);
  while (next < size) {
    const rows = Math.min(ROWS_PER_INSERT, size - next);
    const values: string[] = [];
    for (let i = 0; i < rows; i++, next++) {
      const user = FIRST_FILLER_USER + Math.floor(next / VPS_PER_FILLER_USER);
      // Every tenth one deleted, as tombstones accumulate in production.
      const deleted = next % 10 === 9 ? 'NOW(3)' : 'NULL';
      values.push(
        `(${user},'filler-${next}','${STATUSES[next % 4]}',2,2048,50,'Ubuntu 22.04 LTS','${HYPERVISORS[next % 5]}',NOW(3),NOW(3),0,${deleted})`,
      );
    }
    await connection.query(
      `INSERT INTO vps (user_id,name,status,cpu,ram,disk,os,hypervisor,created_at,updated_at,version,deleted_at) VALUES ${values.join(',')}`,
    );
  }
  // Fresh index statistics, as a long-lived table has: the planner's choice is part of what is measured.
  await connection.query('ANALYZE TABLE vps');
  return { added, ms: performance.now() - started };
}
