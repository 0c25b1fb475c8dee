/**
 * The "My servers" screen: the signed-in user's VPS, a status filter (kept in the URL), "Load
 * more" over next_cursor, and one clear state for every way the list can fail.
 */
import { PanelApiError, VPS_STATUSES, type PanelApi, type Vps } from './api.js';
import { h, isolated } from './dom.js';
import { formatStatus } from './format.js';
import { MAX_AUTOMATIC_RETRIES, retryDelayMs } from './retry.js';
import type { Session } from './session.js';
import { serversTable, stateBox } from './views.js';

export interface MyServersOptions {
  api: PanelApi;
  session: Session;
  /** Shown when the Worker cannot be reached. */
  workerUrl: string;
  pageSize: number;
}

interface Retry {
  attempt: number;
  /** Epoch ms of the scheduled attempt, or null once automatic retries are spent. */
  at: number | null;
}

interface State {
  filter: string[];
  rows: Vps[];
  nextCursor: string | null;
  /** The first page is loading, loaded, or failed (rows stay empty). */
  phase: 'loading' | 'ready' | 'error';
  /** "Load more": idle, loading, or its failure (the rows already shown stay). */
  more: 'idle' | 'loading' | 'error';
  error: PanelApiError | null;
  retry: Retry | null;
}

export function mountMyServers(root: HTMLElement, { api, session, workerUrl, pageSize }: MyServersOptions): void {
  const state: State = {
    filter: filterFromUrl(),
    rows: [],
    nextCursor: null,
    phase: 'loading',
    more: 'idle',
    error: null,
    retry: null,
  };
  let inFlight: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let countdown: ReturnType<typeof setInterval> | undefined;

  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const chips = new Map<string, HTMLButtonElement>();
  const filterBar = h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Filter by status' },
    h('span', { class: 'filters-label' }, 'Status'),
    ...['all', ...VPS_STATUSES].map((status) => {
      const chip = h(
        'button',
        { type: 'button', class: `chip chip-${status}`, 'data-status': status, onclick: () => toggleFilter(status) },
        status === 'all' ? 'All' : formatStatus(status),
      );
      chips.set(status, chip);
      return chip;
    }),
  );
  const body = h('div', { class: 'body' });
  root.replaceChildren(
    h(
      'main',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'My servers'), count), filterBar),
      body,
    ),
  );

  function toggleFilter(status: string): void {
    if (status === 'all') state.filter = [];
    else if (state.filter.includes(status)) state.filter = state.filter.filter((s) => s !== status);
    else state.filter = VPS_STATUSES.filter((s) => s === status || state.filter.includes(s));
    const url = new URL(location.href);
    if (state.filter.length > 0) url.searchParams.set('status', state.filter.join(','));
    else url.searchParams.delete('status');
    history.replaceState(null, '', url);
    void load('first');
  }

  async function load(what: 'first' | 'more', attempt = 0): Promise<void> {
    clearRetry();
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    if (what === 'first') {
      Object.assign(state, { phase: 'loading', rows: [], nextCursor: null, more: 'idle', error: null });
    } else {
      Object.assign(state, { more: 'loading', error: null });
    }
    render();

    try {
      const page = await api.listVps({
        status: state.filter,
        cursor: what === 'more' ? state.nextCursor : null,
        limit: pageSize,
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      state.rows = what === 'first' ? page.vps : [...state.rows, ...page.vps];
      Object.assign(state, { nextCursor: page.nextCursor, phase: 'ready', more: 'idle', error: null, retry: null });
    } catch (err) {
      if (controller.signal.aborted) return;
      const error =
        err instanceof PanelApiError ? err : new PanelApiError('failed', 'Something unexpected happened', undefined, { cause: err });
      if (!(err instanceof PanelApiError)) console.error(err);
      state.error = error;
      if (what === 'first') state.phase = 'error';
      else state.more = 'error';
      state.retry = error.kind === 'unavailable' ? scheduleRetry(what, attempt, error.details.retryAfterSeconds) : null;
    }
    render();
  }

  function scheduleRetry(what: 'first' | 'more', attempt: number, retryAfterSeconds: number | null): Retry {
    if (attempt >= MAX_AUTOMATIC_RETRIES) return { attempt, at: null };
    const delay = retryDelayMs(attempt, retryAfterSeconds);
    retryTimer = setTimeout(() => void load(what, attempt + 1), delay);
    countdown = setInterval(renderCountdown, 1000);
    return { attempt, at: Date.now() + delay };
  }

  function clearRetry(): void {
    clearTimeout(retryTimer);
    clearInterval(countdown);
    state.retry = null;
  }

  function render(): void {
    for (const [status, chip] of chips) {
      const pressed = status === 'all' ? state.filter.length === 0 : state.filter.includes(status);
      chip.setAttribute('aria-pressed', String(pressed));
    }
    count.textContent =
      state.phase === 'ready' && state.rows.length > 0
        ? `${state.rows.length} ${state.rows.length === 1 ? 'server' : 'servers'}${state.nextCursor ? ' shown, more available' : ''}`
        : '';
    body.replaceChildren(content());
  }

  function content(): Node {
    if (state.phase === 'loading') return stateBox('loading', 'Loading your servers…', null);
    if (state.phase === 'error') return errorBox(state.error!, 'first');
    if (state.rows.length === 0) {
      return state.filter.length > 0
        ? stateBox(
            'empty-filtered',
            'No servers match this filter',
            `None of your servers is ${state.filter.map(formatStatus).join(' or ').toLowerCase()} right now.`,
            h('button', { type: 'button', class: 'button', onclick: () => toggleFilter('all') }, 'Show all servers'),
          )
        : stateBox(
            'empty',
            'You have no servers yet',
            'A server you order on the main site appears here a moment after it is created.',
          );
    }
    return h('div', {}, serversTable(state.rows), footer());
  }

  function footer(): Node | string {
    if (state.more === 'error') return errorBox(state.error!, 'more');
    if (!state.nextCursor) return '';
    return h(
      'div',
      { class: 'more' },
      h(
        'button',
        { type: 'button', class: 'button', disabled: state.more === 'loading', onclick: () => void load('more') },
        state.more === 'loading' ? 'Loading…' : 'Load more',
      ),
    );
  }

  function errorBox(error: PanelApiError, what: 'first' | 'more'): HTMLElement {
    const retryButton = (label: string) => h('button', { type: 'button', class: 'button', onclick: () => void load(what) }, label);
    const reference = error.details.requestId ? h('p', { class: 'reference' }, 'Reference: ', isolated(error.details.requestId)) : null;
    switch (error.kind) {
      case 'unauthorized':
        return stateBox(
          'signed-out',
          'Your session has ended',
          'Sign in again to see your servers.',
          h('button', { type: 'button', class: 'button button-primary', onclick: () => session.signIn() }, 'Sign in again'),
          h('p', { class: 'reference' }, isolated(error.message)),
        );
      case 'unavailable':
        return stateBox(
          'unavailable',
          'Server list temporarily unavailable',
          state.retry?.at ? h('span', { class: 'retry-in' }, retryText()) : 'It is still unavailable. Please try again in a few minutes.',
          retryButton(state.retry?.at ? 'Retry now' : 'Try again'),
          reference,
        );
      case 'network':
        return stateBox(
          'network',
          "Can't reach the server list",
          `Check your connection. If it works, the service at ${workerUrl} may be down or may not accept requests from this page's address (${location.origin}).`,
          retryButton('Try again'),
        );
      case 'rejected':
      case 'failed':
        return stateBox(
          error.kind,
          error.kind === 'rejected' ? 'The server list could not be loaded' : 'Something went wrong on our side',
          isolated(error.message),
          retryButton('Try again'),
          reference,
        );
    }
  }

  function retryText(): string {
    const seconds = Math.max(0, Math.ceil(((state.retry?.at ?? Date.now()) - Date.now()) / 1000));
    return seconds > 0 ? `Retrying automatically in ${seconds} s…` : 'Retrying…';
  }

  function renderCountdown(): void {
    const text = body.querySelector('.retry-in');
    if (text) text.textContent = retryText();
  }

  void load('first');
}

function filterFromUrl(): string[] {
  const wanted = (new URLSearchParams(location.search).get('status') ?? '').split(',');
  return VPS_STATUSES.filter((status) => wanted.includes(status));
}
