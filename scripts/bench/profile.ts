/**
 * `npx tsx scripts/bench/profile.ts [route] [seconds]`: a CPU profile of the built Worker on
 * in-memory stores, taken in workerd through its inspector while autocannon drives one route
 * (default: list). Prints the functions with the most self time; writes the .cpuprofile (open it
 * in Chrome DevTools) to the temp directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadRequest, routes, seed } from './routes.js';
import { build, start } from './workers.js';

const [routeName = 'list', seconds = '5'] = process.argv.slice(2);
const outdir = mkdtempSync(join(tmpdir(), 'vps-sync-profile-'));
const scriptPath = build('memory', outdir);
const inspectorPort = 9300 + Math.floor(Math.random() * 500);
const { url, mf } = await start('memory', scriptPath, null, { inspectorPort });
try {
  const id = await seed(url);
  const route = (await routes(id)).find((r) => r.name === routeName)!;
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const ws = new WebSocket(targets.find((t) => t.title?.includes('memory'))?.webSocketDebuggerUrl ?? targets[0]!.webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  let seq = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++seq, resolve);
      ws.send(JSON.stringify({ id: seq, method, params }));
    });
  const drive = (s: number) =>
    autocannon({
      url: new URL(route.path, url).href,
      connections: 4,
      duration: s,
      requests: [loadRequest(route)],
    });
  await drive(2); // warm-up
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 100 });
  await call('Profiler.start');
  const result = await drive(Number(seconds));
  const { profile } = (await call('Profiler.stop')) as { profile: Profile };
  ws.close();
  const file = join(outdir, `${routeName}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const map = new SourceMap(JSON.parse(readFileSync(`${scriptPath}.map`, 'utf8')) as SourceMapPayload);
  summarise(profile, result.requests.total, map);
  console.log(`\n${result.requests.total} requests; profile: ${file}`);
} finally {
  await mf.dispose();
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

function summarise(profile: Profile, requests: number, map: SourceMap): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const entry = (url ? map.findEntry(lineNumber, columnNumber) : {}) as { originalSource?: string; originalLine?: number; name?: string };
    const source = entry.originalSource ? `${entry.originalSource.replace(/.*node_modules\//, '').replace(/.*\/src\//, 'src/')}:${(entry.originalLine ?? 0) + 1}` : url;
    const key = `${entry.name || functionName || '(anonymous)'} ${source}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  console.log(`self time per request, top 30 (µs), of ${(total / requests).toFixed(0)} µs sampled per request:`);
  for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${(us / requests).toFixed(1).padStart(8)}  ${name}`);
  }
}
