import type { IncomingMessage, ServerResponse } from 'node:http';
import { http } from '../net/node-http.js';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { ExchangeHeaders, FaultDecider, FaultDecision, InstanceResolver } from '../core/contracts.js';
import type { DevmodeEvent, Endpoint } from '../core/events/index.js';
import { applyHttpFault, applyUpgradeFault } from '../net/fault-actions.js';
import { HttpListener } from '../net/http-server.js';
import { sendJson, sendJsonOnSocket } from '../net/json-response.js';
import { interceptConnections, LeanConnection, leanForward, type LeanHandler, type LeanRequest } from '../net/lean/index.js';
import { HttpProxy, proxyUpgrade, type ForwardResult } from '../net/proxy/index.js';
import { wsClosedEvent } from '../net/proxy/ws-proxy.js';
import { pickInstance, withRetry, type NoInstance } from '../net/upstream.js';
import { lazyAbortSignal } from '../net/lazy-signal.js';
import { exchangeEvent, type ExchangeFacts } from '../net/exchange-event.js';
import { WsFrameTap, type BodyCapture } from './capture/index.js';
import { Endpoints } from '../net/endpoints.js';
import { TraceparentSource } from '../net/traceparent.js';

/** What an edge asks of the fault table (FaultTable implements it). */
export interface EdgeFaults extends FaultDecider {
  /** the id of a cut rule cutting caller off callee, or null */
  cutRule(caller: string, callee: string): string | null;
  /** called after any rule changes; returns the function that unsubscribes */
  onChange(listener: () => void): () => void;
}

export interface MeshEdgeOptions {
  /** who calls through this edge: one instance of one service (every connection is theirs) */
  caller?: Endpoint;
  /**
   * or the callers sharing this edge, by the local address their connections arrive at
   * (each caller instance has its own loopback address; see system/edges.ts). A connection
   * to any other address is closed at once, before a byte is read.
   */
  callers?: ReadonlyMap<string, Endpoint>;
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
  /** the address to listen on (default 127.0.0.1; 0.0.0.0 to accept on every loopback address) */
  host?: string;
  /** the port to listen on (default 0: any); stable ports keep URLs across runs */
  port?: number;
  /** fault rules to apply (delay, status, abort, drop per call; cut closes the listener) */
  faults?: EdgeFaults;
  /** body capture, when switched on for this edge */
  capture?: BodyCapture;
  /** where each call's headers are left (by reference) for a view to ask for */
  headers?: ExchangeHeaders;
}

/** Keep-alive connections from callers close after this long idle (node:http's setting before). */
const IDLE_CONNECTION_MS = 30_000;

/** How long resume() keeps trying to get its port back when something else holds it. */
const REBIND_ATTEMPTS = 40;
const REBIND_PAUSE_MS = 50;

/**
 * The mesh's path to one callee (a service, or one instance of it for CLUSTER_PEERS). Each
 * caller instance reaches it at a URL of its own (SERVICE_<PEER>_URL): either an edge of its
 * own (`caller`), or its own loopback address on an edge shared by all callers (`callers`),
 * so where a call arrives says who made it: no help is needed from the service. The edge
 * load-balances over the callee's ready instances, holds calls while the callee reloads,
 * retries refused connections, adds a W3C traceparent, applies fault rules, and reports
 * every exchange.
 *
 * A cut (fault rule) of every caller suspends the edge: its listener closes, so callers get
 * connection refused exactly as from a dead service, and open connections are reset;
 * clearing the rule listens again on the same port, so the callers' URLs keep working. A cut
 * of some callers only resets their connections (open ones and each new one at accept).
 *
 * Two paths serve a call. The lean one (net/lean) reads the request from the socket itself
 * and relays the service's answer verbatim: it takes the calls that need nothing more
 * (no fault rule for this caller and callee, no capture, a body under 64 KiB, no upgrade
 * or `Expect`), which are nearly all, at well under half of node:http's and undici's CPU
 * per call (test/bench/mesh.ts). Any other request passes its connection, with the bytes
 * already read, to the node:http server behind it, whose handlers do the rest (faults,
 * capture, streamed bodies, WebSocket) as before.
 */
export class MeshEdge {
  readonly #options: MeshEdgeOptions;
  readonly #stopping = new AbortController();
  readonly #traces = new TraceparentSource();
  readonly #endpoints = new Endpoints();
  #listener: HttpListener | undefined;
  /** gives a connection (and the bytes read from it) to the listening node:http server */
  #handOff: ((socket: Socket, buffered: Buffer) => void) | undefined;
  #port = 0;
  #url: string | undefined;
  #suspended = false;
  #stopped = false;
  /** suspend/resume/stop run one at a time, in order */
  #queue: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;
  #counter = 0;
  #ids = 0;
  /** open connections and who made each (shared edges) */
  readonly #connections = new Map<Socket, Endpoint>();
  /** callers a cut rule holds off now (by service name) */
  #cutCallers = new Set<string>();

  constructor(options: MeshEdgeOptions) {
    if (!options.caller === !options.callers) throw new Error('MeshEdge takes one of caller and callers');
    this.#options = options;
  }

  /** The URL of a one-caller edge. */
  get url(): string {
    if (!this.#url) throw new Error('MeshEdge is not started');
    return this.#url;
  }

  /** The port it listens on (valid after start()). */
  get port(): number {
    return this.#port;
  }

  /** The URL a caller of a shared edge calls, at its own address (valid after start()). */
  urlFor(address: string): string {
    if (!this.#url) throw new Error('MeshEdge is not started');
    return `http://${address}:${this.#port}`;
  }

  /** Whether a cut holds the listener closed now. */
  get suspended(): boolean {
    return this.#suspended;
  }

  async start(): Promise<void> {
    const address = await this.#bind(this.#options.port ?? 0);
    this.#port = address.port;
    this.#url = address.url;
    const faults = this.#options.faults;
    if (faults && !this.#stopped) {
      this.#unsubscribe = faults.onChange(() => this.#syncCut());
      this.#syncCut();
      await this.#queue;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#unsubscribe?.();
    await this.#enqueue(async () => {
      await this.#listener?.close();
      this.#listener = undefined;
    });
  }

  /** Closes the listener (callers get connection refused) until resume(); keeps the port. */
  suspend(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#suspended || this.#stopped || !this.#listener) return;
      this.#suspended = true;
      await this.#listener.close();
      this.#listener = undefined;
    });
  }

  /** Listens again on the same port after suspend(). */
  resume(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#suspended || this.#stopped) return;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#bind(this.#port);
          this.#suspended = false;
          return;
        } catch (error) {
          if (attempt >= REBIND_ATTEMPTS || this.#stopped) {
            this.#publish({
              type: 'system.notice',
              level: 'error',
              source: 'mesh',
              message: `edge ${this.#describe()} could not listen on port ${this.#port} again after a cut: ${(error as Error).message}; restart devmode to restore it`,
              ts: Date.now(),
            });
            return;
          }
          await new Promise((r) => setTimeout(r, REBIND_PAUSE_MS));
        }
      }
    });
  }

  #describe(): string {
    const o = this.#options;
    const callee = o.calleeInstance === undefined ? o.callee : `${o.callee}.${o.calleeInstance}`;
    return o.caller ? `${o.caller.service}.${o.caller.instance ?? '*'} -> ${callee}` : `-> ${callee}`;
  }

  /** Every caller this edge serves. */
  #callerList(): Endpoint[] {
    const o = this.#options;
    return o.caller ? [o.caller] : [...o.callers!.values()];
  }

  #syncCut(): void {
    const o = this.#options;
    const cut = new Set<string>();
    for (const caller of this.#callerList()) if (o.faults?.cutRule(caller.service, o.callee) != null) cut.add(caller.service);
    this.#cutCallers = cut;
    const all = this.#callerList().every((c) => cut.has(c.service));
    if (all && !this.#suspended) void this.suspend();
    else if (!all && this.#suspended) void this.resume();
    // A cut of some callers of a shared edge: their open connections go as a refused one would.
    if (!all) for (const [socket, caller] of this.#connections) if (cut.has(caller.service)) socket.resetAndDestroy();
  }

  /** Who made a new connection; null closes it (an address no caller has, or a cut caller). */
  #onConnection(socket: Socket): void {
    const o = this.#options;
    const caller = o.caller ?? o.callers!.get(socket.localAddress ?? '');
    if (!caller || this.#cutCallers.has(caller.service)) {
      socket.resetAndDestroy();
      return;
    }
    this.#connections.set(socket, caller);
    socket.once('close', () => this.#connections.delete(socket));
    new LeanConnection(socket, this.#leanHandler(caller, this.#handOff!), { idleMs: IDLE_CONNECTION_MS, partial: 'wait' });
  }

  /** The lean path's side of one caller's connections. */
  #leanHandler(caller: Endpoint, handOff: (socket: Socket, buffered: Buffer) => void): LeanHandler<true> {
    const o = this.#options;
    // made once per connection: an id built per call from five parts is five string pieces kept as long as its event
    const idPrefix = `mesh-${caller.service}-${caller.instance}-${o.callee}-`;
    return {
      take: () => (o.faults?.touches(caller.service, o.callee) || o.capture?.wants(caller.service, o.callee) ? null : true),
      serve: (request, client) => this.#serveLean(caller, idPrefix, request, client),
      handOff,
    };
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #bind(port: number) {
    const server = http.createServer({ keepAliveTimeout: IDLE_CONNECTION_MS, noDelay: true }, (req, res) => void this.#onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.#onUpgrade(req, socket, head));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) return void socket.destroy();
      // As a service's own node:http would answer: 431 for headers over 16 KiB, else 400.
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
    });
    // Every connection starts on the lean path (see the class comment).
    this.#handOff = interceptConnections(server, (socket) => this.#onConnection(socket));
    const listener = new HttpListener(server);
    const address = await listener.listen(this.#options.host ?? '127.0.0.1', port);
    if (this.#stopped) {
      await listener.close();
      throw new Error('MeshEdge was stopped while starting');
    }
    this.#listener = listener;
    return address;
  }

  #pick(signal: () => AbortSignal) {
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

  #signalFor(client: ServerResponse | Duplex): () => AbortSignal {
    return lazyAbortSignal(client, this.#stopping.signal);
  }

  #callerOf(req: IncomingMessage): Endpoint {
    return this.#options.caller ?? this.#connections.get(req.socket) ?? UNKNOWN_CALLER;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const o = this.#options;
    const caller = this.#callerOf(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const id = `mesh-${caller.service}-${caller.instance}-${o.callee}-${++this.#ids}`;
    const signal = this.#signalFor(res);
    const tap = o.capture?.wants(caller.service, o.callee) ? o.capture.tap({ id, caller: caller.service, callee: o.callee }, req, res) : undefined;
    const decision = o.faults ? o.faults.decide(caller.service, o.callee, method, path) : null;
    const traceparent = this.#traces.next(req.headers.traceparent);
    const report = (instance: number | null, status: number, requestBytes: number, responseBytes: number, error?: string) => {
      tap?.finish(status);
      o.headers?.keep(id, req, res);
      this.#report({ id, caller, callee: this.#endpoints.of(o.callee, instance), method, path, started, traceparent, status, requestBytes, responseBytes, error, fault: decision?.label });
    };
    if (decision) {
      const outcome = await applyHttpFault(decision, req, res, signal(), o.callee);
      if (outcome.kind !== 'continue') return report(null, ...faultReport(decision, outcome));
    }
    const outcome = await withRetry<ForwardResult>(this.#pick(signal), (target, previous) =>
      o.proxy.forward(req, res, target, { forwarded: false, headers: { traceparent }, ...(previous?.kind === 'failed' ? { replay: previous.replay } : {}) }),
    );
    if ('result' in outcome) {
      const { result, target } = outcome;
      if (result.kind === 'response') return report(target.instance, result.status, result.requestBytes, result.responseBytes, result.aborted ? 'aborted' : undefined);
      const why = `instance ${target.instance} at ${target.host}:${target.port}: ${result.code ?? result.error.message}`;
      return report(target.instance, 502, result.requestBytes, sendJson(res, 502, { error: `service '${o.callee}' is unavailable`, service: o.callee, reason: why }), why);
    }
    const { status, body } = describeNoInstance(outcome);
    report(null, status, 0, sendJson(res, status, body), body.reason);
  }

  /** One call on the lean path (see the class comment): the same steps as #onRequest's, minus faults and capture. */
  async #serveLean(caller: Endpoint, idPrefix: string, request: LeanRequest, client: LeanConnection): Promise<void> {
    const started = performance.now();
    const o = this.#options;
    const { method, target: path } = request.head;
    const id = `${idPrefix}${++this.#ids}`;
    const traceparent = this.#traces.next(request.head.traceparent);
    const send = { headers: `traceparent: ${traceparent}\r\n` };
    const outcome = await withRetry<ForwardResult>(this.#pick(this.#signalFor(client.socket)), (target) => leanForward(o.proxy.lean, client, request, target, send));
    const report = (instance: number | null, status: number, requestBytes: number, responseBytes: number, error?: string, answerHead?: string) => {
      o.headers?.keepHead(id, request.head.text, answerHead);
      this.#report({ id, caller, callee: this.#endpoints.of(o.callee, instance), method, path, started, traceparent, status, requestBytes, responseBytes, error, fault: undefined });
    };
    if ('result' in outcome) {
      const { result, target } = outcome;
      if (result.kind === 'response') return report(target.instance, result.status, result.requestBytes, result.responseBytes, result.aborted ? 'aborted' : undefined, result.head);
      const why = `instance ${target.instance} at ${target.host}:${target.port}: ${result.code ?? result.error.message}`;
      return report(target.instance, 502, request.body.length, client.answerJson(502, { error: `service '${o.callee}' is unavailable`, service: o.callee, reason: why }), why);
    }
    const { status, body } = describeNoInstance(outcome);
    report(null, status, 0, client.answerJson(status, body), body.reason);
  }

  #report(x: ExchangeFacts): void {
    this.#publish(exchangeEvent(x));
  }


  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const o = this.#options;
    const caller = this.#callerOf(req);
    const signal = this.#signalFor(socket);
    const decision = o.faults ? o.faults.decide(caller.service, o.callee, req.method ?? 'GET', req.url ?? '/') : null;
    if (decision) {
      const started = performance.now();
      const outcome = await applyUpgradeFault(decision, socket, signal(), o.callee);
      if (outcome.kind !== 'continue') {
        // A refused upgrade is an HTTP exchange: report it so the fault is visible.
        const [status, requestBytes, responseBytes, error] = faultReport(decision, outcome);
        this.#publish({
          type: 'http.exchange',
          id: `mesh-ws-${caller.service}-${caller.instance}-${o.callee}-${++this.#ids}`,
          caller,
          callee: { service: o.callee, instance: null },
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status,
          durationMs: performance.now() - started,
          requestBytes,
          responseBytes,
          error,
          fault: decision.label,
          ts: Date.now(),
        });
        return;
      }
    }
    const traceparent = this.#traces.next(req.headers.traceparent);
    const id = `mesh-ws-${caller.service}-${caller.instance}-${o.callee}-${++this.#ids}`;
    // Frames on demand: the tap asks the capture switch at each frame, so it is there
    // whenever capture exists, and costs a Set-size check per frame while it is off.
    const frames = o.capture ? new WsFrameTap({ id, caller, callee: o.callee, capture: o.capture, publish: (e) => this.#publish(e) }) : undefined;
    const outcome = await withRetry(this.#pick(signal), (target) =>
      proxyUpgrade(req, socket, head, target, { forwarded: false, headers: { traceparent }, ...(frames ? { frames } : {}) }),
    );
    if (!('result' in outcome)) {
      const { status, body } = describeNoInstance(outcome);
      return sendJsonOnSocket(socket, status, body);
    }
    const { result, target } = outcome;
    if (result.kind === 'failed') {
      return sendJsonOnSocket(socket, 502, { error: `service '${o.callee}' is unavailable`, service: o.callee, reason: result.code ?? result.error.message });
    }
    if (result.kind !== 'upgraded') return;
    this.#publish({ type: 'ws.opened', id, caller, callee: this.#endpoints.of(o.callee, target.instance), path: req.url ?? '/', ts: Date.now() });
    frames?.open(target.instance);
    const totals = await result.closed;
    this.#publish(wsClosedEvent(id, totals, frames ? { framesDropped: frames.dropped } : {}));
  }

  #publish(event: DevmodeEvent): void {
    try {
      this.#options.publish(event);
    } catch {
      // A failing view must not break a call.
    }
  }
}

/** A request on a connection no longer tracked (it cannot happen while the socket is open). */
const UNKNOWN_CALLER: Endpoint = { service: 'unknown', instance: null };

/** status, request bytes, response bytes and error text of a call a fault ended. */
function faultReport(decision: FaultDecision, outcome: Awaited<ReturnType<typeof applyHttpFault>>): [number, number, number, string] {
  switch (outcome.kind) {
    case 'answered':
      return [outcome.status, 0, outcome.responseBytes, `answered by fault '${decision.rule}'`];
    case 'aborted':
      return [0, 0, 0, `connection aborted by fault '${decision.rule}'`];
    case 'dropped':
      return [0, 0, 0, `dropped by fault '${decision.rule}' until the client gave up`];
    default:
      return [499, 0, 0, `the client went away during the delay of fault '${decision.rule}'`];
  }
}

function describeNoInstance(none: NoInstance): { status: number; body: { error: string; service: string; reason: string } } {
  return none.kind === 'down'
    ? { status: 502, body: { error: `service '${none.service}' is down`, service: none.service, reason: none.reason } }
    : { status: 503, body: { error: `service '${none.service}' was not ready within ${none.waitedMs} ms`, service: none.service, reason: none.reason } };
}

