import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { InstanceResolver } from '../core/contracts.js';
import type { DevmodeEvent, Endpoint } from '../core/events/index.js';
import { HttpListener } from '../net/http-server.js';
import { HttpProxy, proxyUpgrade } from '../net/proxy/index.js';
import { pickInstance, withRetry, type NoInstance } from '../net/upstream.js';
import { nextTraceparent } from './traceparent.js';

export interface MeshEdgeOptions {
  /** who calls through this edge: one instance of one service */
  caller: Endpoint;
  /** the service called */
  callee: string;
  /** a CLUSTER_PEERS edge leads to one instance only */
  calleeInstance?: number;
  resolver: InstanceResolver;
  publish: (event: DevmodeEvent) => void;
  /** shared keep-alive pool of all edges */
  proxy: HttpProxy;
  /** how long a call to a pending (starting, reloading) service waits */
  waitTimeoutMs: number;
  host?: string;
}

/**
 * One caller→callee path through the mesh. Each instance of each service gets, for each
 * peer, the URL of its own edge (SERVICE_<PEER>_URL), so the listener a call arrives on
 * says who made it: no help is needed from the service. The edge load-balances over the
 * callee's ready instances, holds calls while the callee reloads, retries refused
 * connections, adds a W3C traceparent, and reports every exchange.
 */
export class MeshEdge {
  readonly #options: MeshEdgeOptions;
  readonly #server: http.Server;
  readonly #listener: HttpListener;
  readonly #stopping = new AbortController();
  #url: string | undefined;
  #counter = 0;
  #ids = 0;

  constructor(options: MeshEdgeOptions) {
    this.#options = options;
    this.#server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => void this.#onRequest(req, res));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.#onUpgrade(req, socket, head));
    this.#server.on('clientError', (_error, socket: Duplex) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.#listener = new HttpListener(this.#server);
  }

  get url(): string {
    if (!this.#url) throw new Error('MeshEdge is not started');
    return this.#url;
  }

  async start(): Promise<void> {
    const address = await this.#listener.listen(this.#options.host ?? '127.0.0.1', 0);
    this.#url = address.url;
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#listener.close();
  }

  #pick(signal: AbortSignal) {
    const o = this.#options;
    return () =>
      pickInstance({
        resolver: o.resolver,
        service: o.callee,
        waitTimeoutMs: o.waitTimeoutMs,
        signal,
        ...(o.calleeInstance !== undefined ? { instance: o.calleeInstance } : {}),
        next: () => this.#counter++,
      });
  }

  #signalFor(client: ServerResponse | Duplex): AbortSignal {
    const abort = new AbortController();
    client.once('close', () => abort.abort());
    return AbortSignal.any([abort.signal, this.#stopping.signal]);
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const traceparent = nextTraceparent(req.headers.traceparent);
    const outcome = await withRetry(this.#pick(this.#signalFor(res)), (target) =>
      this.#options.proxy.forward(req, res, target, { forwarded: false, headers: { traceparent } }),
    );
    const o = this.#options;
    const report = (instance: number | null, status: number, requestBytes: number, responseBytes: number, error?: string) =>
      this.#publish({
        type: 'http.exchange',
        id: `mesh-${o.caller.service}-${o.caller.instance}-${o.callee}-${++this.#ids}`,
        caller: o.caller,
        callee: { service: o.callee, instance },
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status,
        durationMs: performance.now() - started,
        requestBytes,
        responseBytes,
        ...(error ? { error } : {}),
        traceparent,
        ts: Date.now(),
      });
    if ('result' in outcome) {
      const { result, target } = outcome;
      if (result.kind === 'response') return report(target.instance, result.status, result.requestBytes, result.responseBytes, result.aborted ? 'aborted' : undefined);
      const why = `instance ${target.instance} at ${target.host}:${target.port}: ${result.code ?? result.error.message}`;
      return report(target.instance, 502, result.requestBytes, sendJson(res, 502, { error: `service '${o.callee}' is unavailable`, service: o.callee, reason: why }), why);
    }
    const { status, body } = describeNoInstance(outcome);
    report(null, status, 0, sendJson(res, status, body), body.reason);
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const traceparent = nextTraceparent(req.headers.traceparent);
    const outcome = await withRetry(this.#pick(this.#signalFor(socket)), (target) =>
      proxyUpgrade(req, socket, head, target, { forwarded: false, headers: { traceparent } }),
    );
    const o = this.#options;
    if (!('result' in outcome)) {
      const { status, body } = describeNoInstance(outcome);
      return writeSocketJson(socket, status, body);
    }
    const { result, target } = outcome;
    if (result.kind === 'failed') {
      return writeSocketJson(socket, 502, { error: `service '${o.callee}' is unavailable`, service: o.callee, reason: result.code ?? result.error.message });
    }
    if (result.kind !== 'upgraded') return;
    const id = `mesh-ws-${o.caller.service}-${o.caller.instance}-${o.callee}-${++this.#ids}`;
    this.#publish({ type: 'ws.opened', id, caller: o.caller, callee: { service: o.callee, instance: target.instance }, path: req.url ?? '/', ts: Date.now() });
    const { bytesIn, bytesOut } = await result.closed;
    this.#publish({ type: 'ws.closed', id, framesIn: 0, framesOut: 0, bytesIn, bytesOut, code: null, ts: Date.now() });
  }

  #publish(event: DevmodeEvent): void {
    try {
      this.#options.publish(event);
    } catch {
      // A failing view must not break a call.
    }
  }
}

function describeNoInstance(none: NoInstance): { status: number; body: { error: string; service: string; reason: string } } {
  return none.kind === 'down'
    ? { status: 502, body: { error: `service '${none.service}' is down`, service: none.service, reason: none.reason } }
    : { status: 503, body: { error: `service '${none.service}' was not ready within ${none.waitedMs} ms`, service: none.service, reason: none.reason } };
}

function sendJson(res: ServerResponse, status: number, body: object): number {
  const text = JSON.stringify(body) + '\n';
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return Buffer.byteLength(text);
}

function writeSocketJson(socket: Duplex, status: number, body: object): void {
  const text = JSON.stringify(body) + '\n';
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}
