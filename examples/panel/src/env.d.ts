/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** True under the dev server only (dev-sign-in.ts): the page signs in through /dev/token. */
  readonly DEV_SIGN_IN: boolean;
  /** The vps-sync Worker's origin; http://localhost:5050 when unset. */
  readonly VITE_VPS_SYNC_URL?: string;
  /** Where "Sign in again" sends the user in production; /login when unset. */
  readonly VITE_PANEL_SIGN_IN_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
