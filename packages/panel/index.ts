/** @vps-sync/panel: the panel frontend's typed client of the VPS listing. See README.md. */
export {
  createPanelClient,
  retryAfterSeconds,
  type Hypervisor,
  type ListOptions,
  type PanelClient,
  type PanelClientOptions,
  type PanelFetch,
  type Vps,
  type VpsPage,
  type VpsStatus,
} from './client.js';
export {
  PanelAuthError,
  PanelError,
  PanelNetworkError,
  PanelNotFoundError,
  PanelUnavailableError,
  PanelValidationError,
  type ErrorCode,
  type FieldError,
} from './errors.js';
