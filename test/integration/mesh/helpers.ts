import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type { FaultRule } from '../../../src/config/types.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { BodyCapture } from '../../../src/mesh/capture/index.js';
import { MeshEdge } from '../../../src/mesh/edge.js';
import { FaultTable } from '../../../src/mesh/faults/index.js';
import { HttpProxy } from '../../../src/net/proxy/index.js';

/** A tiny real service on port 0 that answers every request with its name and counts hits. */
export interface Backend {
  name: string;
  port: number;
  hits: number;
}

export async function startBackend(name: string): Promise<Backend> {
  const backend: Backend = { name, port: 0, hits: 0 };
  const server = http.createServer((req, res) => {
    backend.hits++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({ name, url: req.url, got: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['session=secret1', 'theme=dark'] });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  backend.port = (server.address() as AddressInfo).port;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return backend;
}

export interface MeshRig {
  registry: Registry;
  faults: FaultTable;
  capture: BodyCapture;
  events: DevmodeEvent[];
  /** shipping.0 -> user and shipping.0 -> order edges */
  toUser: MeshEdge;
  toOrder: MeshEdge;
  user: Backend;
  order: Backend;
}

/** Two backends (user, order) registered ready, and the edges shipping.0 takes to them. */
export async function startMesh(seed = 1, rules: readonly FaultRule[] = []): Promise<MeshRig> {
  const [user, order] = await Promise.all([startBackend('user'), startBackend('order')]);
  const registry = new Registry();
  registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port: user.port, state: 'ready' });
  registry.upsertInstance({ service: 'order', instance: 0, host: '127.0.0.1', port: order.port, state: 'ready' });
  const events: DevmodeEvent[] = [];
  const publish = (e: DevmodeEvent) => events.push(e);
  const faults = new FaultTable({ seed, rules, publish, services: ['user', 'order', 'shipping'] });
  const capture = new BodyCapture({ maxBodyBytes: 16 });
  const proxy = new HttpProxy();
  const edge = (callee: string) =>
    new MeshEdge({ caller: { service: 'shipping', instance: 0 }, callee, resolver: registry, publish, proxy, waitTimeoutMs: 2000, faults, capture });
  const toUser = edge('user');
  const toOrder = edge('order');
  await Promise.all([toUser.start(), toOrder.start()]);
  onTestFinished(async () => {
    await Promise.all([toUser.stop(), toOrder.stop()]);
    proxy.close();
  });
  return { registry, faults, capture, events, toUser, toOrder, user, order };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection; rejects with the socket error (code kept). */
export function request(url: string, options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    }
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The exchange events recorded so far. */
export function exchanges(events: DevmodeEvent[]) {
  return events.filter((e): e is Extract<DevmodeEvent, { type: 'http.exchange' }> => e.type === 'http.exchange');
}
