export { LeanConnection, MAX_LEAN_BODY, type LeanConnectionOptions, type LeanHandler } from './connection.js';
export { leanForward, type LeanRequest, type LeanSend } from './forward.js';
export type { RequestHead } from './head.js';
export { LeanUpstreams } from './upstreams.js';
export { interceptConnections } from './intercept.js';
