/** The screen's building blocks: the servers table and the state messages. */
import type { Vps } from './api.js';
import { h, isolated } from './dom.js';
import { formatCpu, formatDisk, formatHypervisor, formatRam, formatStatus } from './format.js';

/** A centred message for a state of the list; `name` becomes data-state (loading, empty, signed-out, ...). */
export function stateBox(name: string, title: string, text: Node | string | null, ...actions: (Node | null)[]): HTMLElement {
  return h(
    'section',
    { class: `state state-${name}`, 'data-state': name, role: name === 'loading' ? 'status' : 'alert' },
    h('h2', {}, title),
    text === null ? null : h('p', {}, text),
    ...actions,
  );
}

/** The servers as people read them; each cell names its field in data-field, text from the API is isolated(). */
export function serversTable(rows: Vps[]): HTMLElement {
  const cell = (field: string, ...children: (Node | string)[]) => h('td', { 'data-field': field, class: `col-${field}` }, ...children);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'servers' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Name', 'Status', 'CPU', 'RAM', 'Disk', 'OS', 'Hypervisor'].map((label) => h('th', { scope: 'col' }, label))),
      ),
      h(
        'tbody',
        {},
        ...rows.map((vps) =>
          h(
            'tr',
            { 'data-vps-id': vps.id, 'data-status': vps.status },
            cell('name', isolated(vps.name, 'vps-name'), h('span', { class: 'vps-id' }, `#${vps.id}`)),
            // Status and hypervisor pass through unformatted when this page does not know them.
            cell('status', h('span', { class: `badge badge-${vps.status}` }, isolated(formatStatus(vps.status)))),
            cell('cpu', formatCpu(vps.cpu)),
            cell('ram', formatRam(vps.ram)),
            cell('disk', formatDisk(vps.disk)),
            cell('os', isolated(vps.os)),
            cell('hypervisor', isolated(formatHypervisor(vps.hypervisor))),
          ),
        ),
      ),
    ),
  );
}
