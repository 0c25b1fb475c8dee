/**
 * The main site's application may load classic zod, which installs zod's English locale as the
 * global error map. The client (and the Worker's contract it bundles) must word its field errors
 * exactly as before: the same messages whatever zod's global configuration.
 */
import * as zod from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreateVpsInput, VpsSyncValidationError } from '../../../packages/client/index.js';
import { parseFields, syncRequest } from '../../../src/contract/index.js';
import { synced } from './fake-fetch.js';
import { CREATE, clientWith } from './setup-client.js';

beforeAll(() => {
  zod.config(zod.locales.en());
});
afterAll(() => {
  // Back to no locale, as a process that never loaded classic zod has it.
  zod.config({ localeError: undefined });
});

describe("with classic zod's English locale installed globally", () => {
  it('zod itself now words an enum issue its own way', () => {
    const result = zod.safeParse(zod.enum(['kvm', 'xen']), 'virtualbox');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^Invalid option/);
  });

  it("the client's local validation keeps the Worker's wording", async () => {
    const { client, calls } = clientWith([synced()]);
    const error = await client
      .createVps({ ...CREATE, cpu: 0, name: '  ', hypervisor: 'virtualbox' } as unknown as CreateVpsInput)
      .catch((e: unknown) => e);
    expect(calls).toHaveLength(0);
    expect(error).toBeInstanceOf(VpsSyncValidationError);
    expect((error as VpsSyncValidationError).errors).toEqual([
      { field: 'vps.name', message: 'must not be empty' },
      { field: 'vps.cpu', message: 'must be an integer between 1 and 1024' },
      { field: 'vps.hypervisor', message: 'must be one of: proxmox, vmware, hyperv, kvm, xen' },
    ]);
  });

  it('the contract words a missing field, a wrong type and an unknown action as without the locale', () => {
    const result = parseFields(syncRequest, { action: 'create', vps: { user_id: 'five', cpu: 2.5 } });
    expect(result.success).toBe(false);
    const errors = result.success ? [] : result.errors;
    expect(errors).toContainEqual({ field: 'vps.user_id', message: 'must be an integer' });
    expect(errors).toContainEqual({ field: 'vps.name', message: 'is required' });
    expect(errors.every((e) => !/^Invalid|expected/.test(e.message)), JSON.stringify(errors)).toBe(true);
    const unknown = parseFields(syncRequest, { action: 'rename' });
    expect(unknown.success ? [] : unknown.errors).toEqual([{ field: 'action', message: expect.not.stringMatching(/^Invalid/) }]);
  });
});
