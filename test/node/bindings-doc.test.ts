/**
 * src/bindings.ts declares where each binding is set (a secret or a var), and the deploy checks
 * derive from it which names may not be written into wrangler.jsonc: the README's table of
 * bindings and DEPLOY.md's table of secrets must say the same, so neither the code nor the
 * documentation can drift alone.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDING_KINDS, SECRET_BINDINGS } from '../../src/bindings.js';

const root = resolve(import.meta.dirname, '../..');

/** The rows of the first Markdown table after `heading`: its cells, the backquoted names of the first one. */
function tableAfter(markdown: string, heading: string): { names: string[]; cells: string[] }[] {
  const from = markdown.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines
    .slice(start + 2, end)
    .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()))
    .map((cells) => ({ names: [...cells[0]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!), cells }));
}

describe('the bindings the Worker reads', () => {
  it('are those of the README\'s table, each a secret or a var as the table says', () => {
    const documented: Record<string, string> = {};
    for (const { names, cells } of tableAfter(readFileSync(resolve(root, 'README.md'), 'utf8'), '## Bindings')) {
      // "var (wrangler.jsonc)" is a var, "secrets" a secret; D1 and rate limiting bindings are not strings.
      const kind = cells[1]!.replace(/ \(.*\)$/, '').replace(/^secrets$/, 'secret');
      if (['secret', 'var', 'secret or var'].includes(kind)) for (const name of names) documented[name] = kind;
    }
    expect(documented).toEqual(BINDING_KINDS);
  });

  it('that are secrets are each in the table of docs/DEPLOY.md, step 5, and the var that goes with them beside it', () => {
    const deploy = readFileSync(resolve(root, 'docs/DEPLOY.md'), 'utf8');
    const listed = tableAfter(deploy, '## 5. Secrets').flatMap(({ names }) => names);
    expect([...listed].sort()).toEqual([...SECRET_BINDINGS].sort());
    const step5 = deploy.slice(deploy.indexOf('## 5. Secrets'), deploy.indexOf('## 6.'));
    expect(step5).toContain('`VPS_SYNC_REQUIRE_SIGNATURE` is no secret but a var');
  });

  it('count the signing secrets among the secrets', () => {
    expect(SECRET_BINDINGS).toEqual(expect.arrayContaining(['VPS_SYNC_SIGNING_SECRET', 'VPS_SYNC_SIGNING_SECRET_PREVIOUS']));
    expect(SECRET_BINDINGS).not.toContain('VPS_SYNC_REQUIRE_SIGNATURE');
  });
});
