/**
 * A TCP hop between the PlanetScale-compatible endpoint and MySQL that a test can break: the
 * endpoint stays up and answers, while the MySQL server behind it becomes unreachable, exactly
 * as a database host that goes away behind PlanetScale's edge. Loopback only.
 *
 * - `open`: forwards, Nagle off on both legs (MySQL's small packets would otherwise wait).
 * - `refuse`: resets every open connection and stops listening: reconnects are refused.
 * - `blackhole`: open connections stop moving and new ones are accepted but never answered,
 *   as behind a dead route; leaving it resets them all.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type TcpProxyMode = 'open' | 'refuse' | 'blackhole';

export interface TcpProxy {
  port: number;
  readonly mode: TcpProxyMode;
  /** Connections opened through the proxy so far, and how many were cut by a mode change. */
  readonly counts: { accepted: number; cut: number };
  setMode(mode: TcpProxyMode): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

export async function startTcpProxy(target: { host: string; port: number }, listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const counts = { accepted: 0, cut: 0 };
  let mode: TcpProxyMode = 'open';
  let server: Server | null = null;
  let port = listenPort;

  const cut = (pair: Pair) => {
    pairs.delete(pair);
    counts.cut += 1;
    pair.client.resetAndDestroy();
    pair.upstream?.resetAndDestroy();
  };

  const onConnection = (client: Socket) => {
    counts.accepted += 1;
    const pair: Pair = { client, upstream: null };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    client.setNoDelay(true);
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = async () => {
    const next = createServer({ noDelay: true }, onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen({ host: '127.0.0.1', port }, () => {
        next.off('error', reject);
        resolve();
      });
    });
    port = (next.address() as { port: number }).port;
    server = next;
  };

  const unlisten = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();

  return {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    counts,
    async setMode(next) {
      if (next === mode) return;
      const previous = mode;
      mode = next;
      if (next === 'blackhole') {
        // Freeze what is open: nothing more goes either way until the mode changes.
        for (const pair of pairs) {
          pair.client.unpipe();
          pair.upstream?.unpipe();
          pair.client.pause();
          pair.upstream?.pause();
        }
      } else {
        for (const pair of [...pairs]) cut(pair);
      }
      if (next === 'refuse') await unlisten();
      if (previous === 'refuse') await listen();
    },
    async close() {
      for (const pair of [...pairs]) cut(pair);
      await unlisten();
    },
  };
}
