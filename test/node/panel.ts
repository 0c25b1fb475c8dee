/**
 * The panel's side of the example and integration tests: what a signed-in user sees in
 * GET /api/vps, with a token signed as the panel's SSO would sign it (test/bindings.ts secret).
 */
import { tokenFor, type WireVps } from '../tokens.js';

/** A VPS as GET /api/vps lists it (wire names). */
export type ListedVps = WireVps;

/** A user's token, valid ten minutes. */
export const panelToken = (userId: number) => tokenFor(userId, { expiresIn: 600 });

/** The user's live VPS, newest first (first page; the tests stay well under it). */
export async function listVps(workerUrl: string, userId: number): Promise<ListedVps[]> {
  const response = await fetch(`${workerUrl}/api/vps?limit=100`, {
    headers: { Authorization: `Bearer ${await panelToken(userId)}` },
  });
  if (response.status !== 200) throw new Error(`GET /api/vps answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { vps: ListedVps[] };
  return body.vps;
}
