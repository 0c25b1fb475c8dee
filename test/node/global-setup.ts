import { buildClient, buildPanel } from '../../scripts/build-client.ts';

/** The node tests import the clients as packages (vps-sync/client, vps-sync/panel): build both once for all of them. */
export default async function setup(): Promise<void> {
  await Promise.all([buildClient(), buildPanel()]);
}
