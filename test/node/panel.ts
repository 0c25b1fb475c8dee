/**
 * The panel's side of the example and integration tests: what a signed-in user sees in
 * GET /api/vps, with a token signed as the panel's SSO would sign it (test/bindings.ts secret).
 */
import { SignJWT } from 'jose';
import { TEST_BINDINGS } from '../bindings.ts';

export async function panelToken(userId: number): Promise<string> {
  return new SignJWT({ user_id: userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_BINDINGS.JWT_SECRET));
}

/** A VPS as GET /api/vps lists it (wire names). */
export interface ListedVps {
  id: number;
  user_id: number;
  external_id: string | null;
  name: string;
  status: string;
  cpu: number;
  ram: number;
  disk: number;
  os: string;
  hypervisor: string;
}

/** The user's live VPS, newest first (first page; the tests stay well under it). */
export async function listVps(workerUrl: string, userId: number): Promise<ListedVps[]> {
  const response = await fetch(`${workerUrl}/api/vps?limit=100`, {
    headers: { Authorization: `Bearer ${await panelToken(userId)}` },
  });
  if (response.status !== 200) throw new Error(`GET /api/vps answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { vps: ListedVps[] };
  return body.vps;
}
