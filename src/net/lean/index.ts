export { LeanConnection, MAX_LEAN_BODY, type LeanHandler } from './connection.js';
export { leanForward, type LeanRequest } from './forward.js';
export type { RequestHead } from './head.js';
export { LeanUpstreams } from './upstreams.js';
