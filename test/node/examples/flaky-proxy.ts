/**
 * A loopback HTTP proxy in front of the local Worker that can fail the next requests on demand
 * (503 with Retry-After, 502, …) and records every request it receives: what the example
 * scripts' retries need to be observed.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** The Standard Webhooks headers, when the request was signed. */
  webhookId: string | undefined;
  webhookTimestamp: string | undefined;
}

export interface Failure {
  status: number;
  headers?: Record<string, string>;
}

export interface FlakyProxy {
  url: string;
  requests: SeenRequest[];
  /** The next requests get these answers, in order, instead of reaching the Worker. */
  failNext(...failures: Failure[]): void;
  stop(): Promise<void>;
}

const FORWARDED_HEADERS = ['content-type', 'retry-after', 'x-request-id', 'www-authenticate'];

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const requests: SeenRequest[] = [];
  const failures: Failure[] = [];

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      idempotencyKey: header('idempotency-key'),
      webhookId: header('webhook-id'),
      webhookTimestamp: header('webhook-timestamp'),
    });
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { 'Content-Type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ status: 'error', message: `injected ${failure.status}`, errors: [], request_id: 'proxy' }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && name !== 'host') headers[name] = value;
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
    const answerHeaders: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = answer.headers.get(name);
      if (value !== null) answerHeaders[name] = value;
    }
    res.writeHead(answer.status, answerHeaders);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });

  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...next) => failures.push(...next),
    stop: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
