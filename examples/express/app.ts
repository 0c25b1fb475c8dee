/**
 * The main site's side of the integration, as an Express app: after an order is paid and the VM
 * exists on the hypervisor, tell the panel (createVps); when the VM has booted, mark it running;
 * when the customer cancels, delete it. The order id is the VPS's externalId, so the shop never
 * needs to store the panel's own VPS id.
 */
import express, { type ErrorRequestHandler } from 'express';
import {
  VpsSyncNotFoundError,
  VpsSyncUnavailableError,
  VpsSyncValidationError,
  type Hypervisor,
  type VpsSyncClient,
} from '@vps-sync/client';

/** The shop's plans, in its own units (GB). */
const PLANS = {
  'vps-s': { cpu: 1, ramGb: 1, diskGb: 25 },
  'vps-m': { cpu: 2, ramGb: 2, diskGb: 50 },
  'vps-l': { cpu: 4, ramGb: 8, diskGb: 160 },
} as const;

interface PayBody {
  userId: number;
  plan: keyof typeof PLANS;
  name: string;
  os: string;
}

const externalId = (orderId: string) => `order-${orderId}`;

export function createShopApp(panel: VpsSyncClient, hypervisor: Hypervisor = 'proxmox') {
  const app = express();
  app.use(express.json());

  // Payment captured and the VM created on the hypervisor (both elided here): show it in the panel.
  app.post('/orders/:orderId/pay', async (req, res) => {
    const { userId, plan, name, os } = req.body as PayBody;
    const spec = PLANS[plan];
    if (!spec) {
      res.status(400).json({ error: `unknown plan ${String(plan)}` });
      return;
    }
    const { vps } = await panel.createVps({ userId, externalId: externalId(req.params.orderId), name, os, hypervisor, ...spec });
    res.status(201).json({ orderId: req.params.orderId, vps });
  });

  // The hypervisor reports the OS installed and the VM booted.
  app.post('/orders/:orderId/ready', async (req, res) => {
    const { vps } = await panel.updateStatus({ externalId: externalId(req.params.orderId) }, 'running');
    res.json({ orderId: req.params.orderId, vps });
  });

  // The customer cancelled; the VM is already gone from the hypervisor.
  app.delete('/orders/:orderId', async (req, res) => {
    const { applied } = await panel.deleteVps({ externalId: externalId(req.params.orderId) });
    res.json({ orderId: req.params.orderId, deleted: applied });
  });

  app.use(panelErrors);
  return app;
}

/**
 * What the shop does with the client's typed errors. Express 5 passes rejected promises of
 * async handlers here. Unavailable means the client already retried: in a real shop, queue the
 * event and replay it later (the same externalId makes the replay safe).
 */
const panelErrors: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof VpsSyncValidationError) res.status(400).json({ error: err.message, fields: err.errors });
  else if (err instanceof VpsSyncNotFoundError) res.status(404).json({ error: 'no such order in the panel' });
  else if (err instanceof VpsSyncUnavailableError) res.status(503).json({ error: 'panel unavailable, try again later' });
  else {
    console.error('panel sync failed:', err);
    res.status(502).json({ error: 'panel sync failed' });
  }
};
