/** The main site's side: VPS created and updated through POST /api/vps/sync, as in the integration docs. */
import { TEST_BINDINGS } from '../bindings.js';

export interface NewVps {
  user_id: number;
  name: string;
  status: 'creating' | 'running' | 'stopped' | 'suspended';
  cpu: number;
  /** MB */
  ram: number;
  /** GB */
  disk: number;
  os: string;
  hypervisor: string;
}

/** Creates the VPS, one after another (ids ascend in this order); answers their ids. */
export async function createVps(workerUrl: string, list: NewVps[]): Promise<number[]> {
  const ids: number[] = [];
  for (const vps of list) {
    const response = await fetch(`${workerUrl}/api/vps/sync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': TEST_BINDINGS.VPS_SYNC_API_KEY },
      body: JSON.stringify({ action: 'create', vps }),
    });
    const body = (await response.json()) as { vps?: { id: number } };
    if (response.status !== 201 || !body.vps) throw new Error(`sync create answered ${response.status}: ${JSON.stringify(body)}`);
    ids.push(body.vps.id);
  }
  return ids;
}
