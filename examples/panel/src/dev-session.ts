/**
 * Development only (loaded behind `import.meta.env.DEV`, so a production build has none of it):
 * the dev server's /dev/token signs a token for the user chosen in the bar on top of the page,
 * with the same signer and .dev.vars secret as `npm run token`.
 */
import './dev-session.css';
import { h } from './dom.js';
import type { Session } from './session.js';

/** The integration documents' walkthrough signs in as user 5. */
const DEFAULT_USER = 5;

export function devSession(): Session & { bar: HTMLElement } {
  const params = new URLSearchParams(location.search);
  const userId = /^\d{1,10}$/.test(params.get('user') ?? '') ? Number(params.get('user')) : DEFAULT_USER;
  let cached: { token: string; expiresAt: number } | undefined;

  const input = h('input', { type: 'number', min: 1, value: userId, 'aria-label': 'User ID', name: 'user' });
  const bar = h(
    'form',
    {
      class: 'dev-bar',
      onsubmit: (event) => {
        event.preventDefault();
        const url = new URL(location.href);
        url.searchParams.set('user', input.value);
        location.assign(url);
      },
    },
    h('span', { class: 'dev-tag' }, 'Development'),
    h('label', {}, 'Signed in as user ', input),
    h('button', { type: 'submit' }, 'Switch user'),
    h('span', { class: 'dev-note' }, 'Token from /dev/token, signed like npm run token. Not in production builds.'),
  );

  return {
    bar,
    userLabel: `User ${userId}`,
    async getToken() {
      if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.token;
      const response = await fetch(`/dev/token?user=${userId}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`/dev/token answered ${response.status}: ${await response.text()}`);
      const { token, expires_at } = (await response.json()) as { token: string; expires_at: string };
      cached = { token, expiresAt: Date.parse(expires_at) };
      return token;
    },
    signIn() {
      cached = undefined;
      location.reload();
    },
  };
}
