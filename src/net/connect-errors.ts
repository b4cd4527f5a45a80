/**
 * Error codes that mean a connection to an upstream was never established, so nothing of a
 * request reached it and sending it again (elsewhere) is safe: one rule for every forwarder
 * (the lean path, node:http's, undici's, WebSocket upgrades). UND_ERR_CONNECT_TIMEOUT is
 * undici's name for a connect that timed out.
 */
export const NEVER_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
