/**
 * The panel example's dev server, as `npm run panel` runs it (same Vite config, same /dev/token),
 * on a free loopback port, against the test Worker, signing with the test secret.
 */
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer } from 'vite';
import { panelConfig } from '../../examples/panel/panel-config.js';
import { TEST_BINDINGS } from '../bindings.js';

export interface PanelServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

/** `port`: 0 for any free one. */
export async function startPanel(workerUrl: string, port = 0): Promise<PanelServer> {
  const server = await createServer({
    ...panelConfig({ workerUrl, signing: { secret: TEST_BINDINGS.JWT_SECRET, algorithm: 'HS256' } }),
    logLevel: 'error',
    server: { host: '127.0.0.1', port, strictPort: true, watch: null, hmr: false },
  });
  try {
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** A loopback port nobody listens on right now (for an origin that must be known before its server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
