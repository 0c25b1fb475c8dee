/** How the page shows the API's numbers and names. */

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** The API sends RAM in MB (the main site's GB x1024); people read GB: 2048 -> "2 GB", 1536 -> "1.5 GB". */
export function formatRam(mb: number): string {
  const gb = mb / 1024;
  return gb >= 0.01 ? `${number.format(gb)} GB` : `${number.format(mb)} MB`;
}

/** Disk arrives in GB already. */
export const formatDisk = (gb: number): string => `${number.format(gb)} GB`;

export const formatCpu = (cores: number): string => `${number.format(cores)} vCPU`;

const HYPERVISOR_NAMES: Record<string, string> = {
  proxmox: 'Proxmox',
  vmware: 'VMware',
  hyperv: 'Hyper-V',
  kvm: 'KVM',
  xen: 'Xen',
};

export const formatHypervisor = (value: string): string => HYPERVISOR_NAMES[value] ?? value;

const STATUS_LABELS: Record<string, string> = {
  creating: 'Creating',
  running: 'Running',
  stopped: 'Stopped',
  suspended: 'Suspended',
};

export const formatStatus = (value: string): string => STATUS_LABELS[value] ?? value;
