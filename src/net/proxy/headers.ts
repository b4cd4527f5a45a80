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

/** The Connection header's tokens, lower case ("keep-alive, x-private" → both). */
function connectionTokens(value: string): string[] {
  // Nearly every response says just one of these: skip the split.
  if (value === 'keep-alive' || value === 'close') return [];
  return value.toLowerCase().split(',').map((s) => s.trim());
}

/**
 * The upstream request's headers as a flat `[name, value, ...]` list (what undici takes
 * without re-reading an object): end-to-end headers of `req`, minus `expect` (this
 * server already answered `100 Continue`), then X-Forwarded-* when `forwarded`, then
 * `extra`, which replaces same-named copied headers.
 */
export function upstreamRequestHeaders(req: IncomingMessage, forwarded: boolean, extra: Readonly<Record<string, string>> | undefined): string[] {
  const headers = req.headers;
  const out: string[] = [];
  const named = headers.connection ? connectionTokens(headers.connection) : undefined;
  let forwardedFor: string | undefined;
  let hasProto = false;
  let hasHost = false;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || HOP_BY_HOP.has(key) || key === 'expect' || named?.includes(key)) continue;
    if (extra !== undefined && Object.hasOwn(extra, key)) continue;
    if (forwarded) {
      if (key === 'x-forwarded-for') {
        forwardedFor = Array.isArray(value) ? value.join(', ') : value;
        continue;
      }
      if (key === 'x-forwarded-proto') hasProto = true;
      else if (key === 'x-forwarded-host') hasHost = true;
    }
    // A repeated header arrives as an array (set-cookie): undici sends each value.
    out.push(key, value as string);
  }
  if (forwarded) {
    const clientIp = req.socket.remoteAddress ?? '';
    if (!extra || !Object.hasOwn(extra, 'x-forwarded-for')) out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp);
    if (!hasProto && (!extra || !Object.hasOwn(extra, 'x-forwarded-proto'))) {
      out.push('x-forwarded-proto', (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
    }
    if (!hasHost && headers.host && (!extra || !Object.hasOwn(extra, 'x-forwarded-host'))) out.push('x-forwarded-host', headers.host);
  }
  if (extra) for (const key in extra) out.push(key, extra[key]!);
  return out;
}

/** An upstream response's end-to-end headers, and its Content-Length (-1 when absent). */
export interface ResponseHead {
  headers: OutgoingHttpHeaders;
  contentLength: number;
}

/**
 * Converts undici's response headers to the object `res.writeHead` takes, minus
 * hop-by-hop headers and those the Connection header names. A repeated header
 * (set-cookie) stays an array, so each value is sent.
 */
export function downstreamResponseHead(upstream: IncomingHttpHeaders): ResponseHead {
  const headers: OutgoingHttpHeaders = {};
  let contentLength = -1;
  let named: string[] | undefined;
  // undici gives the names lower-cased and repeated headers as arrays.
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name)) {
      if (name === 'connection') named = connectionTokens(Array.isArray(value) ? value.join(',') : value);
      continue;
    }
    if (name === 'content-length') contentLength = Number(Array.isArray(value) ? value[0] : value);
    headers[name] = value;
  }
  if (named) for (const name of named) if (!HOP_BY_HOP.has(name)) delete headers[name];
  return { headers, contentLength };
}
