import { describe, expect, it } from 'vitest';
import { formatCpu, formatDisk, formatHypervisor, formatRam, formatStatus } from '../../../examples/panel/src/format.js';
import { retryDelayMs } from '../../../examples/panel/src/retry.js';

describe('examples/panel format.ts', () => {
  it('shows RAM (MB on the wire, the main site sent GB x1024) in GB', () => {
    expect(formatRam(2048)).toBe('2 GB');
    expect(formatRam(1536)).toBe('1.5 GB');
    expect(formatRam(512)).toBe('0.5 GB');
    expect(formatRam(768)).toBe('0.75 GB');
    expect(formatRam(4_194_304)).toBe('4,096 GB');
    // Too small to show in GB: MB rather than "0 GB".
    expect(formatRam(5)).toBe('5 MB');
  });

  it('shows disk in GB, cores as vCPU, and names hypervisors and statuses as people write them', () => {
    expect(formatDisk(50)).toBe('50 GB');
    expect(formatDisk(1200)).toBe('1,200 GB');
    expect(formatCpu(1)).toBe('1 vCPU');
    expect([...['proxmox', 'vmware', 'hyperv', 'kvm', 'xen', 'bhyve'].map(formatHypervisor)]).toEqual([
      'Proxmox',
      'VMware',
      'Hyper-V',
      'KVM',
      'Xen',
      'bhyve',
    ]);
    expect(['creating', 'running', 'stopped', 'suspended', 'migrating'].map(formatStatus)).toEqual([
      'Creating',
      'Running',
      'Stopped',
      'Suspended',
      'migrating',
    ]);
  });
});

describe('examples/panel retry.ts', () => {
  const noJitter = () => 0;

  it('backs off exponentially from one second, capped at thirty', () => {
    expect(Array.from({ length: 7 }, (_, attempt) => retryDelayMs(attempt, null, noJitter))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it('never retries before Retry-After, and adds at most a fifth of the backoff as jitter', () => {
    expect(retryDelayMs(0, 5, noJitter)).toBe(5000);
    expect(retryDelayMs(4, 5, noJitter)).toBe(16000);
    expect(retryDelayMs(0, 5, () => 0.999)).toBe(5200);
    expect(retryDelayMs(2, null, () => 0.5)).toBe(4400);
  });

  it('waits at most two minutes however large Retry-After is', () => {
    expect(retryDelayMs(0, 86_400, noJitter)).toBe(120_000);
  });
});
