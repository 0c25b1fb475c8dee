/**
 * The "My servers" page of the control panel, reading the signed-in user's VPS from the
 * vps-sync Worker. Configuration is read at build time: VITE_VPS_SYNC_URL (the Worker's origin)
 * and VITE_PANEL_SIGN_IN_URL (where "Sign in again" goes in production).
 */
import './style.css';
import { createPanelApi } from './api.js';
import { h } from './dom.js';
import { mountMyServers } from './my-servers.js';
import { panelSession, type Session } from './session.js';

const WORKER_URL = import.meta.env.VITE_VPS_SYNC_URL || 'http://localhost:5050';
const SIGN_IN_URL = import.meta.env.VITE_PANEL_SIGN_IN_URL || '/login';
const PAGE_SIZE = 20;

async function start(): Promise<void> {
  let session: Session = panelSession(SIGN_IN_URL);
  // False in every build (dev-sign-in.ts): the bundler drops this branch and dev-session.ts with it.
  if (import.meta.env.DEV_SIGN_IN) {
    const dev = (await import('./dev-session.js')).devSession();
    document.body.prepend(dev.bar);
    session = dev;
  }

  const user = document.getElementById('user');
  if (user && session.userLabel) user.replaceChildren(h('span', { class: 'avatar', 'aria-hidden': 'true' }, session.userLabel.charAt(0)), session.userLabel);

  const api = createPanelApi({ baseUrl: WORKER_URL, getToken: () => session.getToken() });
  mountMyServers(document.getElementById('app')!, { api, session, workerUrl: WORKER_URL, pageSize: PAGE_SIZE });
}

void start();
