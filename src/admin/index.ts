/** The admin part's public face: the control-plane server (system/ builds it) and its discovery record. */
export { AdminServer, type AdminServerOptions } from './server.js';
export { adminRecordPath, readAdminRecord, writeAdminRecord, removeAdminRecord, type AdminRecord } from './discovery.js';
export { ENDPOINTS } from './endpoints.js';
export type { DroppedMarker } from './event-stream.js';
export type { SampledMarker } from './tap-sampler.js';
