import { createVpsSyncClient, type RetryEvent, type VpsSyncClientOptions } from '../../../packages/client/index.js';
import { fakeFetch, recordingSleep, type Step } from './fake-fetch.js';

export const API_KEY = 'main-site-key-0123456789abcdef0123456789';
export const NOW = Date.UTC(2025, 9, 27, 10, 0, 0);

/**
 * A client on a fake fetch with a deterministic jitter (the middle of each range), a sleep that
 * returns at once and a fixed clock; what it sent, waited and reported is recorded.
 */
export function clientWith(steps: Step[], options: Partial<VpsSyncClientOptions> = {}) {
  const { fetch, calls } = fakeFetch(steps);
  const { sleep, waits } = recordingSleep();
  const retries: RetryEvent[] = [];
  const client = createVpsSyncClient({
    baseUrl: 'https://panel.example.test',
    apiKey: API_KEY,
    fetch,
    sleep,
    random: () => 0.5,
    now: () => NOW,
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { client, calls, waits, retries };
}

export const CREATE = {
  userId: 5,
  externalId: 'order-42',
  name: 'web-1',
  cpu: 2,
  ramGb: 2,
  diskGb: 50,
  os: 'Ubuntu 22.04 LTS',
  hypervisor: 'proxmox',
} as const;
