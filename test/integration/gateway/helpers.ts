import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RouteConfig } from '../../../src/config/types.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import { Registry } from '../../../src/locator/registry.js';

/** A real backend on port 0: `/echo` streams the body back; WebSocket echoes; anything else describes the request. */
export interface Backend {
  name: string;
  port: number;
  hits: number;
  /** graceful: stop accepting, finish in-flight requests, close idle keep-alive sockets */
  close(): Promise<void>;
}

export async function startBackend(name: string): Promise<Backend> {
  const backend = { name, port: 0, hits: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    backend.hits++;
    if (req.url?.startsWith('/echo') || req.url?.startsWith('/x/echo')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.flushHeaders();
      req.pipe(res);
      return;
    }
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `${name}:${req.url}:${data.toString()}`, { binary: isBinary }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  backend.port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  backend.close = () =>
    (closing ??= new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.close(() => resolve());
      server.closeIdleConnections();
    }));
  onTestFinished(async () => {
    server.closeAllConnections();
    await backend.close();
  });
  return backend;
}

export interface Rig {
  gateway: Gateway;
  registry: Registry;
  events: DevmodeEvent[];
  url: string;
}

/** Starts a Gateway over a fresh Registry; everything stops when the test ends. */
export async function startGateway(
  services: { name: string; routes: (string | Partial<RouteConfig>)[] }[],
  options: { waitTimeoutMs?: number; acls?: boolean } = {},
): Promise<Rig> {
  const registry = new Registry();
  const events: DevmodeEvent[] = [];
  const gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    waitTimeoutMs: options.waitTimeoutMs ?? 5000,
    services: services.map((s) => ({
      name: s.name,
      routes: s.routes.map((r) => (typeof r === 'string' ? { path: r, methods: [], stripPrefix: null } : { path: '/', methods: [], stripPrefix: null, ...r })),
    })),
    resolver: registry,
    publish: (e) => events.push(e),
    ...(options.acls ? { acls: registry } : {}),
  });
  onTestFinished(() => gateway.stop());
  await gateway.start();
  return { gateway, registry, events, url: gateway.url };
}

/** Points instance `instance` of `service` at a backend, ready. */
export function ready(registry: Registry, service: string, instance: number, backend: Backend): void {
  registry.upsertInstance({ service, instance, host: '127.0.0.1', port: backend.port, state: 'ready' });
}

/** Polls `condition` until true or fails after `timeoutMs`, saying what was awaited. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
