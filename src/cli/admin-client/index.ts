/** The admin API's client side, for the CLI commands that talk to a running devmode. */
export { AdminClient, type EventsQuery } from './admin-client.js';
export { resolveAdminUrl, DEFAULT_ADMIN_URL, type ConfigAccess, type ResolvedAdminUrl } from './admin-url.js';
export { NoDevmodeError, AdminRequestError, usageError } from './errors.js';
export { ReadinessTracker } from './readiness.js';
export { renderStatus } from './render-status.js';
export { formatStreamLine } from './format-line.js';
export { parseEventLine } from './parse-line.js';
export { RemoteControl } from './remote-control.js';
export { connectRemoteStore, type RemoteStoreOptions, type RemoteStoreSession } from './remote-store.js';
