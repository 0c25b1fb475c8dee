import { createServer } from 'node:net';

/**
 * A loopback port nobody listens on right now: taken from the OS, then released. Free to listen
 * on (a private server), or a closed port to point a client at (nothing answers there).
 */
export async function unusedLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}
