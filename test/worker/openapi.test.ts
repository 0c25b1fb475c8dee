import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import document from '../../src/openapi/openapi.json';
import { assertDocumented } from './conformance.js';
import { BASE, call } from './helpers.js';

/** Hono's `/api/vps/:id{[0-9]+}` as OpenAPI's `/api/vps/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without credentials', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const served = await res.json<typeof document>();
    expect(served).toEqual(document);
    expect(served.openapi).toBe('3.1.0');
  });

  it('describes every route the app serves, and nothing it does not', () => {
    const served = new Set(
      createApp()
        .routes.filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${openApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it('documents the sync body with the same bounds the handlers enforce', () => {
    const create = document.components.schemas.SyncCreate;
    expect(create.properties.cpu).toEqual({ type: 'integer', minimum: 1, maximum: 1024 });
    expect(create.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(create.required).not.toContain('status');
    expect(create.additionalProperties).toBe(false);
  });
});

describe('the conformance check every test answer goes through', () => {
  const json = (body: unknown, status = 200) => Response.json(body, { status });

  it('rejects a body that does not match the documented schema', async () => {
    await expect(assertDocumented('GET', `${BASE}/api/vps`, json({ status: 'success', vps: [{ id: 1 }], next_cursor: null }))).rejects.toThrow(
      /does not match the document/,
    );
    await expect(assertDocumented('GET', `${BASE}/health`, json({ status: 'success', message: 'ok', extra: 1 }))).rejects.toThrow(/does not match/);
  });

  it('rejects an undocumented status or route', async () => {
    await expect(assertDocumented('GET', `${BASE}/health`, json({}, 418))).rejects.toThrow(/does not list/);
    await expect(assertDocumented('PUT', `${BASE}/somewhere`, json({}, 200))).rejects.toThrow(/not in the document/);
  });

  it('accepts a documented answer', async () => {
    await expect(assertDocumented('GET', `${BASE}/health`, json({ status: 'success', message: 'ok' }))).resolves.toBeUndefined();
  });
});
