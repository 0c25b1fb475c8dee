/**
 * Who is signed in. In production the panel's own SSO sign-in stores the user's JWT; this example
 * reads it from sessionStorage under TOKEN_KEY. Replace `getToken` with your identity library's
 * call (an OIDC client's access token, Auth0's getAccessTokenSilently, ...).
 */
import { PanelApiError } from './api.js';

export interface Session {
  /** Shown in the header when known. */
  readonly userLabel: string | null;
  getToken(): Promise<string>;
  /** What "Sign in again" does. */
  signIn(): void;
}

export const TOKEN_KEY = 'vps-panel.token';

export function panelSession(signInUrl: string): Session {
  return {
    userLabel: null,
    async getToken() {
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (!token) throw new PanelApiError('unauthorized', 'You are not signed in');
      return token;
    },
    signIn() {
      const target = new URL(signInUrl, location.href);
      target.searchParams.set('return_to', location.href);
      location.assign(target);
    },
  };
}
