/**
 * A local stand-in for an identity provider's JWKS endpoint (see protocol.ts for its API). Tests
 * set the keys it serves, make it fail or hang, and count how often the Worker fetched it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JWKS_MODES, type JwksMode, type SetControl, type SetStats } from './protocol.js';

interface KeySet {
  keys: object[];
  mode: JwksMode;
  fetches: number;
}

const MAX_CONTROL_BODY = 1 << 20;
const SET_PATH = /^\/sets\/([\w-]{1,100})(\/jwks\.json|\/stats)?$/;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY) throw new Error('control body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function parseControl(body: unknown): SetControl {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('control body must be an object');
  const { keys, mode } = body as Record<string, unknown>;
  if (keys !== undefined && !(Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null))) throw new Error('keys must be an array of objects');
  if (mode !== undefined && !JWKS_MODES.includes(mode as JwksMode)) throw new Error(`mode must be one of ${JWKS_MODES.join(', ')}`);
  return { ...(keys ? { keys: keys as object[] } : {}), ...(mode ? { mode: mode as JwksMode } : {}) };
}

function serveSet(set: KeySet, req: IncomingMessage, res: ServerResponse): void {
  set.fetches++;
  switch (set.mode) {
    case 'serve':
      return send(res, 200, { keys: set.keys });
    case 'status-500':
      return send(res, 500, { error: 'internal' });
    case 'invalid-json':
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"keys": [');
      return;
    case 'not-a-key-set':
      return send(res, 200, { keys: 'none' });
    case 'hang':
      return; // the socket stays open until the client gives up or the server closes
    case 'reset':
      req.socket.destroy();
      return;
  }
}

export interface JwksServer {
  /** Base URL, e.g. http://127.0.0.1:PORT; sets live under /sets/<name>. */
  url: string;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const sets = new Map<string, KeySet>();
  const server = createServer((req, res) => {
    void (async () => {
      const match = SET_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
      if (!match) return send(res, 404, { error: 'no such path' });
      const [, name, leaf] = match as unknown as [string, string, string | undefined];
      const set = sets.get(name);
      if (req.method === 'PUT' && !leaf) {
        const control = parseControl(await readJson(req));
        const next = set ?? { keys: [], mode: 'serve', fetches: 0 };
        if (control.keys) next.keys = control.keys;
        if (control.mode) next.mode = control.mode;
        sets.set(name, next);
        return send(res, 204);
      }
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
      if (leaf === '/stats') return send(res, 200, { fetches: set?.fetches ?? 0 } satisfies SetStats);
      if (leaf === '/jwks.json' && set) return serveSet(set, req, res);
      return send(res, 404, { error: 'no such set' });
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 400, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // hanging requests included
        server.close(() => resolve());
      }),
  };
}
