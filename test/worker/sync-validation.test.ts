import { describe, expect, it } from 'vitest';
import { call, callWith, errorBody, freshUser, listAs, sync, syncRequest, validVps } from './helpers.js';

/** Sends a create that must be refused, then proves nothing was written for that user. */
async function refusedCreate(overrides: Record<string, unknown>) {
  const user = freshUser();
  const res = await sync({ action: 'create', vps: validVps(user, overrides) });
  const body = await errorBody(res);
  const listed = await (await listAs(user)).json<{ vps: unknown[] }>();
  expect(listed.vps).toEqual([]);
  return { res, body };
}

describe('sync body checks', () => {
  it('answers 415 for a non-JSON Content-Type', async () => {
    const res = await call('/api/vps/sync', syncRequest({ action: 'create' }, { 'Content-Type': 'text/plain' }));
    expect(res.status).toBe(415);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'unsupported_media_type',
      message: 'Content-Type must be application/json',
      errors: [],
      request_id: res.headers.get('X-Request-Id'),
    });
  });

  it('accepts a charset parameter on application/json', async () => {
    const res = await sync({ action: 'create', vps: validVps(freshUser()) }, { 'Content-Type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(201);
  });

  it.each([
    ['malformed JSON', '{"action": "create", ', 'Malformed JSON body'],
    ['an empty body', '', 'Request body is empty; expected a JSON object'],
    ['a JSON array', '[]', 'Request body must be a JSON object'],
    ['a JSON string', '"create"', 'Request body must be a JSON object'],
    ['JSON null', 'null', 'Request body must be a JSON object'],
  ])('answers 400 for %s', async (_case, raw, message) => {
    const res = await sync(raw);
    expect(res.status).toBe(400);
    expect((await errorBody(res)).message).toBe(message);
  });

  it('answers 400 malformed_body for bytes that are not UTF-8, and stores nothing', async () => {
    const user = freshUser();
    const json = JSON.stringify({ action: 'create', vps: validVps(user, { name: 'NAME' }) });
    const [before, after] = json.split('NAME') as [string, string];
    const bytes = new Uint8Array([...new TextEncoder().encode(`${before}ab`), 0xff, 0xfe, ...new TextEncoder().encode(`cd${after}`)]);
    const res = await call('/api/vps/sync', { ...syncRequest(''), body: bytes });
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toEqual({
      status: 'error',
      code: 'malformed_body',
      message: 'Request body is not valid UTF-8',
      errors: [],
      request_id: res.headers.get('X-Request-Id'),
    });
    expect((await (await listAs(user)).json<{ vps: unknown[] }>()).vps).toEqual([]);
  });

  it('answers 400 for a body nested thousands of levels deep, with or without an Idempotency-Key, every time', async () => {
    const deep = `{"action":"create","vps":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const attempts: Record<string, string>[] = [{}, { 'Idempotency-Key': 'deep-body-key' }, { 'Idempotency-Key': 'deep-body-key' }];
    for (const headers of attempts) {
      const res = await sync(deep, headers);
      expect(res.status).toBe(400);
      expect(await errorBody(res)).toMatchObject({ code: 'validation_failed', errors: [{ field: 'vps', message: 'must be a JSON object' }] });
    }
  });

  it('drops a leading byte order mark of the body itself (RFC 8259), not of the values', async () => {
    const user = freshUser();
    const res = await sync(`\ufeff${JSON.stringify({ action: 'create', vps: validVps(user) })}`);
    expect(res.status).toBe(201);
  });

  it('answers 413 for a body over 64 KiB, whatever it contains', async () => {
    const vps = validVps(freshUser(), { padding: 'x'.repeat(64 * 1024) });
    const res = await sync({ action: 'create', vps });
    expect(res.status).toBe(413);
    expect((await errorBody(res)).message).toBe('Request body exceeds 65536 bytes');
  });

  it('answers 413 for a streamed body over the limit without Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const init = syncRequest('');
    // In-isolate (not through the service binding), so the unread rest of the stream is simply dropped.
    const res = await callWith({}, '/api/vps/sync', { ...init, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 400 naming the action for an unknown action, and a missing one as required', async () => {
    for (const body of [{ action: 'reboot', vps: {} }, { action: null, vps: {} }]) {
      const res = await sync(body);
      expect(res.status).toBe(400);
      expect((await errorBody(res)).errors).toEqual([{ field: 'action', message: 'must be one of: create, update, delete, reconcile' }]);
    }
    const missing = await sync({ vps: {} });
    expect(missing.status).toBe(400);
    expect((await errorBody(missing)).errors).toEqual([{ field: 'action', message: 'is required' }]);
  });

  it('rejects unknown top-level fields', async () => {
    const res = await sync({ action: 'create', vps: validVps(freshUser()), extra: true });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([{ field: 'extra', message: 'is not a known field' }]);
  });
});

describe('sync create validation', () => {
  it('names every offending field at once and writes nothing', async () => {
    const { res, body } = await refusedCreate({
      user_id: '5',
      name: '',
      status: 'booting',
      cpu: 2.5,
      ram: 0,
      disk: -1,
      os: 42,
      hypervisor: 'virtualbox',
      color: 'red',
    });
    expect(res.status).toBe(400);
    expect(body).toEqual({
      status: 'error',
      code: 'validation_failed',
      message: 'Validation failed',
      errors: expect.arrayContaining([
        { field: 'vps.user_id', message: 'must be an integer' },
        { field: 'vps.name', message: 'must not be empty' },
        { field: 'vps.status', message: 'must be one of: creating, running, stopped, suspended' },
        { field: 'vps.cpu', message: 'must be an integer' },
        { field: 'vps.ram', message: 'must be an integer between 1 and 4194304' },
        { field: 'vps.disk', message: 'must be an integer between 1 and 1048576' },
        { field: 'vps.os', message: 'must be a string' },
        { field: 'vps.hypervisor', message: 'must be one of: proxmox, vmware, hyperv, kvm, xen' },
        { field: 'vps.color', message: 'is not a known field' },
      ]),
      request_id: res.headers.get('X-Request-Id'),
    });
    expect(body.errors).toHaveLength(9);
  });

  it('requires every field but status, each "is required" (the enum hypervisor too)', async () => {
    const res = await sync({ action: 'create', vps: {} });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors.sort((a, b) => a.field.localeCompare(b.field))).toEqual(
      ['vps.cpu', 'vps.disk', 'vps.hypervisor', 'vps.name', 'vps.os', 'vps.ram', 'vps.user_id'].map((field) => ({ field, message: 'is required' })),
    );
    const { hypervisor: _dropped, ...noHypervisor } = validVps(freshUser());
    const one = await sync({ action: 'create', vps: noHypervisor });
    expect((await errorBody(one)).errors).toEqual([{ field: 'vps.hypervisor', message: 'is required' }]);
    const missing = await sync({ action: 'create' });
    expect((await errorBody(missing)).errors).toEqual([{ field: 'vps', message: 'is required' }]);
  });

  it.each([
    ['cpu', 1025, 'must be an integer between 1 and 1024'],
    ['ram', 4_194_305, 'must be an integer between 1 and 4194304'],
    ['disk', 1_048_577, 'must be an integer between 1 and 1048576'],
    ['user_id', 4_294_967_296, 'must be an integer between 1 and 4294967295'],
    ['user_id', 0, 'must be an integer between 1 and 4294967295'],
    ['cpu', '2', 'must be an integer'],
    ['cpu', null, 'must be an integer'],
    // Given, but not one of the values: only a missing enum field "is required".
    ['status', null, 'must be one of: creating, running, stopped, suspended'],
    ['hypervisor', null, 'must be one of: proxmox, vmware, hyperv, kvm, xen'],
    ['hypervisor', '', 'must be one of: proxmox, vmware, hyperv, kvm, xen'],
    ['cpu', 2.5, 'must be an integer'],
    ['ram', 1e300, 'must be an integer between 1 and 4194304'],
    ['name', 'x'.repeat(101), 'must be at most 100 characters'],
    ['os', 'y'.repeat(101), 'must be at most 100 characters'],
    ['name', '   ', 'must not be empty'],
    ['name', 'bad\nname', 'must not contain control characters'],
    ['name', 'next\u0085line', 'must not contain control characters'],
    ['os', 'csi\u009b31m', 'must not contain control characters'],
    ['os', 'del\u007f', 'must not contain control characters'],
    ['name', 'x\ud800y', 'must be valid Unicode text (it contains a lone surrogate)'],
    ['os', '\udc00tail', 'must be valid Unicode text (it contains a lone surrogate)'],
    ['name', '\ufeffname', 'must not contain U+FEFF (byte order mark)'],
    ['os', 'mid\ufeffdle', 'must not contain U+FEFF (byte order mark)'],
  ])('rejects %s = %j', async (field, value, message) => {
    const { res, body } = await refusedCreate({ [field]: value });
    expect(res.status).toBe(400);
    expect(body.errors).toEqual([{ field: `vps.${field}`, message }]);
  });
});

describe('sync update and delete validation', () => {
  it('rejects a bad id and bad fields on update', async () => {
    const res = await sync({ action: 'update', vps: { id: 'abc', status: 'on', cpu: 0 } });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([
      { field: 'vps.id', message: 'must be an integer' },
      { field: 'vps.status', message: 'must be one of: creating, running, stopped, suspended' },
      { field: 'vps.cpu', message: 'must be an integer between 1 and 1024' },
    ]);
  });

  it('accepts only a reference and a version on delete', async () => {
    const res = await sync({ action: 'delete', vps: { id: 1, status: 'stopped' } });
    expect(res.status).toBe(400);
    expect((await errorBody(res)).errors).toEqual([{ field: 'vps.status', message: 'is not a known field' }]);
    const noId = await sync({ action: 'delete', vps: {} });
    expect((await errorBody(noId)).errors).toEqual([{ field: 'vps.id', message: 'give either id or external_id (exactly one)' }]);
  });
});
