// Compiled by pack.test.ts only, against the installed tarball. If the declarations did not resolve,
// everything would be `any` and each @ts-expect-error below would itself be an error.
import { createPanelClient, PanelAuthError, type Vps, type VpsPage } from '@vps-sync/panel';

const api = createPanelClient({ baseUrl: 'http://localhost:5050', getToken: () => 'token' });

export async function firstNames(): Promise<string[]> {
  const page: VpsPage = await api.listVps({ status: ['running', 'stopped'], limit: 20 });
  const ramMb: number = page.vps[0]!.ram;
  void ramMb;
  return page.vps.map((vps: Vps) => vps.name);
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error -- not a VPS status
  await api.listVps({ status: 'booting' });
  // @ts-expect-error -- ids are numbers
  await api.getVps('42');
  // @ts-expect-error -- a listed VPS has no ramGb: RAM is in MB (ram)
  void (await api.getVps(42)).ramGb;
}

export const signInAgain = (err: unknown): boolean => err instanceof PanelAuthError;
