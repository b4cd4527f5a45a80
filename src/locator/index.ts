/** The service locator: the registry (pure data) and its Lagom-compatible HTTP API. */
export { Registry, NotReadyError } from './registry.js';
export { LocatorServer, type LocatorServerOptions } from './server.js';
export type { Acl, Registration, RegistryInstance, RegistryState, ServiceEntry, ServiceOrigin } from './types.js';
