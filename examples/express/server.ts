/**
 * Runs the example shop: `node --import tsx examples/express/server.ts` after `npm run build:client`.
 * VPS_SYNC_URL and VPS_SYNC_API_KEY point it at the panel; with VPS_SYNC_SIGNING_SECRET (the panel's
 * whsec_… secret) every request is signed too. PORT (default 3001, 0 for any free one).
 */
import type { AddressInfo } from 'node:net';
import { createVpsSyncClient } from '@vps-sync/client';
import { createShopApp } from './app.js';

const { VPS_SYNC_URL, VPS_SYNC_API_KEY, VPS_SYNC_SIGNING_SECRET, PORT = '3001', HOST = '127.0.0.1' } = process.env;
if (!VPS_SYNC_URL || !VPS_SYNC_API_KEY) {
  console.error('Set VPS_SYNC_URL and VPS_SYNC_API_KEY');
  process.exit(2);
}

const panel = createVpsSyncClient({
  baseUrl: VPS_SYNC_URL,
  apiKey: VPS_SYNC_API_KEY,
  ...(VPS_SYNC_SIGNING_SECRET ? { signingSecret: VPS_SYNC_SIGNING_SECRET } : {}),
});
const server = createShopApp(panel).listen(Number(PORT), HOST, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`shop listening on http://${HOST}:${port}`);
});

process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
