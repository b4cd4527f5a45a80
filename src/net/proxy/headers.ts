import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** Headers meaningful for one connection only (RFC 9110 §7.6.1); a proxy must not forward them. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Copies headers minus hop-by-hop ones, including any the Connection header names.
 * `keepUpgrade` keeps `connection: upgrade` and `upgrade` for a WebSocket handshake.
 */
export function endToEndHeaders(headers: IncomingHttpHeaders, keepUpgrade = false): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connection = headers.connection;
  const named = connection ? connection.toLowerCase().split(',').map((s) => s.trim()) : [];
  for (const key in headers) {
    if (HOP_BY_HOP.has(key) || named.includes(key)) continue;
    out[key] = headers[key];
  }
  if (keepUpgrade && headers.upgrade) {
    out.connection = 'upgrade';
    out.upgrade = headers.upgrade;
  }
  return out;
}

/** Adds X-Forwarded-For (appended), -Proto and -Host (kept when an earlier proxy set them). */
export function addForwarded(out: OutgoingHttpHeaders, req: IncomingMessage): void {
  const clientIp = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${clientIp}` : clientIp;
  out['x-forwarded-proto'] ??= (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (req.headers.host) out['x-forwarded-host'] ??= req.headers.host;
}
