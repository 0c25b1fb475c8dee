import { buildClient } from '../../scripts/build-client.ts';

/** The node tests import the client as a package (vps-sync/client): build client/dist once for all of them. */
export default async function setup(): Promise<void> {
  await buildClient();
}
