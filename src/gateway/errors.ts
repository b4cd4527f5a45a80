import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendJson, sendJsonOnSocket } from '../net/json-response.js';
import { http } from '../net/node-http.js';
import type { LeanConnection } from '../net/lean/index.js';
import type { Route } from './routes.js';

/** What the gateway answers itself (no route, service down, ...): a status and a JSON body. */
export interface GatewayError {
  status: number;
  body: { error: string; [key: string]: unknown };
  headers?: Record<string, string>;
}

/** 404: no route; the body lists the routes so the user sees what exists. */
export function noRoute(method: string, path: string, routes: readonly Route[]): GatewayError {
  return {
    status: 404,
    body: {
      error: `no route for ${method} ${path}`,
      routes: routes.map((r) => ({ path: r.pattern, methods: r.methods, service: r.service, ...(r.stripPrefix ? { stripPrefix: r.stripPrefix } : {}) })),
    },
  };
}

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): GatewayError {
  return { status: 405, body: { error: `${method} is not routed for ${path}; routed methods: ${allowed.join(', ')}`, allowed }, headers: { allow: allowed.join(', ') } };
}

/** 400: dot segments that climb above the root (`/a/../../etc/passwd`), refused as nginx does. */
export function pathAboveRoot(path: string): GatewayError {
  return { status: 400, body: { error: `the path ${path} climbs above the root with '..'`, path } };
}

/**
 * What node:http reports about a request it could not read (its clientError), as the
 * gateway answers it: headers too large (431), not complete in time (408), or malformed (400).
 */
export function unreadableRequest(error: NodeJS.ErrnoException, requestTimeoutMs: number): GatewayError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, body: { error: 'the request headers are too large (at most 16 KiB in all)', hint: 'send less in headers (large cookies?), or put it in the body' } };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: { error: `the request did not come in time: it was not complete within ${requestTimeoutMs} ms`, hint: 'send the whole request (headers and body) in time, or raise gateway.request_timeout' },
      };
    default:
      return { status: 400, body: { error: `malformed HTTP request (${error.code ?? error.message})` } };
  }
}

/** 502: the service has no ready instance and none is coming (crashed, crash loop, unreachable). */
export function serviceDown(service: string, reason: string): GatewayError {
  return { status: 502, body: { error: `service '${service}' is unavailable`, service, reason } };
}

/** 503: the service is starting or reloading and did not become ready in time. */
export function notReadyInTime(service: string, waitedMs: number, reason: string): GatewayError {
  return {
    status: 503,
    body: { error: `service '${service}' did not become ready within ${waitedMs} ms`, service, reason },
    headers: { 'retry-after': '1' },
  };
}

/** Whether the client would rather read HTML (a browser) than JSON (curl, fetch). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return quality(accept, 'text', 'html') > quality(accept, 'application', 'json');
}

function quality(accept: string, type: string, subtype: string): number {
  let best = -1;
  let bestSpecificity = -1;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const [t, s] = range.trim().toLowerCase().split('/');
    const specificity = t === type && s === subtype ? 2 : t === type && s === '*' ? 1 : t === '*' && s === '*' ? 0 : -1;
    if (specificity < 0 || specificity < bestSpecificity) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    bestSpecificity = specificity;
    best = q ? Number(q.slice(2)) || 0 : 1;
  }
  return best;
}

/** Writes a gateway error as JSON, or as a small HTML page when the client prefers HTML. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: GatewayError): number {
  if (!prefersHtml(req.headers.accept)) return sendJson(res, error.status, error.body, error.headers, req.method !== 'HEAD');
  if (res.headersSent || res.destroyed) return 0;
  const text = renderHtml(error);
  res.writeHead(error.status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...error.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
  return Buffer.byteLength(text);
}

/** The same on the lean path's connection (which keeps it open); returns the body's bytes. */
export function answerError(client: LeanConnection, method: string, accept: string | undefined, error: GatewayError): number {
  const html = prefersHtml(accept);
  const body = html ? renderHtml(error) : JSON.stringify(error.body) + '\n';
  return client.answer(error.status, html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', body, error.headers ?? {}, method !== 'HEAD');
}

/** Writes a gateway error on a raw socket (a WebSocket upgrade that cannot be served) and closes it. */
export function sendErrorOnSocket(socket: Duplex, error: GatewayError): void {
  sendJsonOnSocket(socket, error.status, error.body);
}

function renderHtml(error: GatewayError): string {
  const routes = Array.isArray(error.body.routes) ? (error.body.routes as { path: string; methods: string[]; service: string }[]) : [];
  const extra = Object.entries(error.body)
    .filter(([k]) => k !== 'error' && k !== 'routes')
    .map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(String(v))}</dd>`)
    .join('');
  const rows = routes
    .map((r) => `<tr><td>${escape(r.methods.length ? r.methods.join(', ') : 'any')}</td><td><code>${escape(r.path)}</code></td><td>${escape(r.service)}</td></tr>`)
    .join('');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${error.status} ${escape(http.STATUS_CODES[error.status] ?? '')}</title></head>` +
    `<body style="font-family:sans-serif"><h1>${error.status} ${escape(http.STATUS_CODES[error.status] ?? '')}</h1><p>${escape(error.body.error)}</p>` +
    (extra ? `<dl>${extra}</dl>` : '') +
    (routes.length ? `<h2>Routes</h2><table><tr><th>methods</th><th>path</th><th>service</th></tr>${rows}</table>` : '') +
    `<p><small>devmode gateway</small></p></body></html>`
  );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
