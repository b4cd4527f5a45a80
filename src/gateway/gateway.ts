import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http } from '../net/node-http.js';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RouteConfig } from '../config/types.js';
import type { ExchangeCapture, ExchangeHeaders, FaultDecider, InstanceAddress, InstanceResolver } from '../core/contracts.js';
import { applyHttpFault, applyUpgradeFault } from '../net/fault-actions.js';
import { Endpoints } from '../net/endpoints.js';
import { TraceparentSource } from '../net/traceparent.js';
import type { DevmodeEvent } from '../core/events/index.js';
import { HttpListener, type BoundAddress } from '../net/http-server.js';
import { isNoInstance, pickInstance, withRetry } from '../net/upstream.js';
import { lazyAbortSignal } from '../net/lazy-signal.js';
import { exchangeEvent, type ExchangeFacts } from '../net/exchange-event.js';
import { HttpProxy, proxyUpgrade, type ForwardResult } from '../net/proxy/index.js';
import { interceptConnections, LeanConnection, leanForward, type LeanHandler, type LeanRequest } from '../net/lean/index.js';
import { wsClosedEvent, type WsUpgradeResult } from '../net/proxy/ws-proxy.js';
import { answerError, methodNotAllowed, noRoute, notReadyInTime, pathAboveRoot, sendError, sendErrorOnSocket, serviceDown, unreadableRequest, type GatewayError } from './errors.js';
import { normalizePath } from './normalize-path.js';
import { UNROUTED } from '../core/events/index.js';
import { configRoutes, describeRoute, RouteTable, type Route, type RouteMatch } from './routes.js';

/** Routes that services registered at run time (Lagom ACLs); the locator's Registry provides this. */
export interface AclSource {
  acls(): readonly { service: string; method: string | null; pathRegex: string }[];
  /** returns the unsubscribe function */
  onChange(listener: () => void): () => void;
}

export interface GatewayOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  /** how long a request for a pending service waits before a 503 */
  waitTimeoutMs: number;
  /** how long a client may take to send a whole request before a 408 (0: no limit; default 60 s) */
  requestTimeoutMs?: number;
  /** services and their routes, in declaration order (a ServiceConfig fits) */
  services: readonly { name: string; routes: readonly RouteConfig[] }[];
  resolver: InstanceResolver;
  publish: (event: DevmodeEvent) => void;
  /** run-time registrations whose ACLs become routes after the configured ones */
  acls?: AclSource;
  /** fault rules for calls from outside (caller 'gateway') */
  faults?: FaultDecider;
  /** body capture on demand (caller 'gateway') */
  capture?: ExchangeCapture;
  /** where each call's headers are left (by reference) for a view to ask for */
  headers?: ExchangeHeaders;
}

/** Keep-alive connections from clients close after this long idle, on either path. */
const IDLE_CONNECTION_MS = 30_000;

/** The caller of every call through the gateway. */
const GATEWAY_CALLER = { service: 'gateway', instance: null };

/** One try at a target; `previous` is the failed retryable try before it, if any. */
type Attempt<R> = (target: InstanceAddress, previous?: R) => Promise<R>;

/**
 * The one ingress port: matches a route, picks a ready instance (round-robin), waits for
 * a pending service, retries a refused connection once on another instance, and proxies
 * HTTP and WebSocket with streamed bodies. Answers itself with JSON (or HTML for browsers)
 * when there is no route (404), the service is down (502) or did not come in time (503).
 *
 * As in the mesh (see MeshEdge), a request that needs nothing more than a route and a
 * ready instance, and comes whole, is served by the lean path (net/lean); every other one
 * passes its connection to node:http (no route, a path to normalise, faults, capture,
 * streamed or slow bodies, which node:http times out with 408, upgrades, a service not
 * ready yet, X-Forwarded-* already set).
 */
export class Gateway {
  readonly #options: GatewayOptions;
  readonly #server: Server;
  readonly #listener: HttpListener;
  readonly #proxy = new HttpProxy();
  readonly #configRoutes: Route[];
  readonly #roundRobin = new Map<string, number>();
  /** aborts requests waiting for a pending service when the gateway stops */
  readonly #stopping = new AbortController();
  readonly #traces = new TraceparentSource();
  readonly #endpoints = new Endpoints();
  #table: RouteTable;
  #unsubscribeAcls: (() => void) | undefined;
  #address: BoundAddress | undefined;
  #nextId = 0;
  /** gives a connection (and the bytes read from it) to node:http */
  readonly #handOff: (socket: Socket, buffered: Buffer) => void;
  readonly #lean: LeanHandler<RouteMatch> = {
    take: (head) => this.#leanRoute(head.method, head.target, head.forwarded),
    serve: (request, client, match) => this.#serveLean(request, client, match),
    handOff: (socket, buffered) => this.#handOff(socket, buffered),
  };

  /** Throws a RoutePatternError naming a malformed route. */
  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#configRoutes = options.services.flatMap((s) => configRoutes(s.name, s.routes));
    this.#table = new RouteTable(this.#configRoutes);
    const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#server = http.createServer(
      {
        keepAliveTimeout: IDLE_CONNECTION_MS,
        // node:http answers an incomplete request after requestTimeout (headers after
        // headersTimeout, which may not exceed it), checked every connectionsCheckingInterval
        // (30 s by default: a 60 s limit then fired after 67 to 97 s).
        requestTimeout: requestTimeoutMs,
        headersTimeout: requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, 60_000) : 60_000,
        connectionsCheckingInterval: Math.max(100, Math.min(1_000, requestTimeoutMs / 4 || 1_000)),
      },
      (req, res) => void this.#onRequest(req, res),
    );
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.#onUpgrade(req, socket, head));
    // A request node:http cannot read (too large headers, too slow, malformed) gets a JSON
    // answer like every other of the gateway's own; the socket error must not crash us.
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      // As node:http does by default: no second answer after one has begun on this connection.
      const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (!socket.writable || current?.headersSent) return void socket.destroy();
      sendErrorOnSocket(socket, unreadableRequest(error, requestTimeoutMs));
    });
    this.#handOff = interceptConnections(this.#server, (socket) => new LeanConnection(socket, this.#lean, { idleMs: IDLE_CONNECTION_MS, partial: 'hand-off' }));
    this.#listener = new HttpListener(this.#server);
  }

  /** Base URL once started, e.g. `http://127.0.0.1:9000`. */
  get url(): string {
    if (!this.#address) throw new Error('Gateway is not started');
    return this.#address.url;
  }

  get port(): number {
    if (!this.#address) throw new Error('Gateway is not started');
    return this.#address.port;
  }

  /** The current route table (configured routes, then registered ACLs). */
  get routes(): Route[] {
    return this.#table.routes;
  }

  async start(): Promise<void> {
    if (this.#stopping.signal.aborted) throw new Error('Gateway was stopped');
    if (this.#options.acls) {
      this.#rebuildTable();
      this.#unsubscribeAcls = this.#options.acls.onChange(() => this.#rebuildTable());
    }
    for (const [a, b] of this.#table.overlaps()) {
      this.#notice('warn', `routes overlap: '${describeRoute(a)}' and '${describeRoute(b)}'; the first one declared wins`);
    }
    this.#address = await this.#listener.listen(this.#options.host, this.#options.port).catch((error: Error) => {
      throw new Error(`gateway: ${error.message}`, { cause: error });
    });
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#unsubscribeAcls?.();
    await this.#listener.close();
    this.#proxy.close();
  }

  #rebuildTable(): void {
    const acls = this.#options.acls?.acls() ?? [];
    try {
      this.#table = new RouteTable([
        ...this.#configRoutes,
        ...acls.map((a) => ({ service: a.service, pattern: a.pathRegex, methods: a.method ? [a.method] : [], stripPrefix: null, origin: 'registration' as const })),
      ]);
    } catch (error) {
      this.#notice('error', `registered routes ignored: ${(error as Error).message}`);
    }
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = normalizePath(req.url ?? '/');
    // Every call gets a W3C trace context (the caller's trace continued, or a new one), so
    // the calls and Kafka messages it causes can be linked (services forward the header).
    const traceparent = this.#traces.next(req.headers.traceparent);
    const id = `gw-${++this.#nextId}`;
    let tap: { finish(status: number): void } | undefined;
    const exchange = (service: string, instance: number | null, status: number, requestBytes: number, responseBytes: number, error?: string, fault?: string) => {
      tap?.finish(status);
      this.#options.headers?.keep(id, req, res);
      this.#report({ id, caller: GATEWAY_CALLER, callee: this.#endpoints.of(service, instance), method, path: url ?? req.url ?? '/', started, traceparent, status, requestBytes, responseBytes, error, fault });
    };
    const answer = (service: string, error: GatewayError) => {
      const bytes = sendError(req, res, error);
      exchange(service, null, error.status, 0, bytes, error.body.error);
    };

    if (url === null) return answer(UNROUTED, pathAboveRoot((req.url ?? '/').split('?')[0] ?? '/'));
    const match = this.#table.match(method, url);
    if (!match) return answer(UNROUTED, noRoute(method, url.split('?')[0] ?? url, this.#table.routes));
    if ('allowed' in match) return answer(UNROUTED, methodNotAllowed(method, url, match.allowed));

    const service = match.route.service;
    const capture = this.#options.capture;
    if (capture?.wants('gateway', service)) tap = capture.tap({ id, caller: 'gateway', callee: service }, req, res);
    const fault = this.#options.faults?.decide('gateway', service, method, url);
    if (fault) {
      const applied = await applyHttpFault(fault, req, res, this.#stopping.signal, service);
      if (applied.kind !== 'continue') {
        const answered = applied.kind === 'answered';
        return exchange(service, null, answered ? applied.status : 0, 0, answered ? applied.responseBytes : 0, undefined, fault.label);
      }
    }
    const outcome = await this.#withInstance<ForwardResult>(service, res, (target, previous) =>
      this.#proxy.forward(req, res, target, { path: match.forwardPath, headers: { traceparent }, ...(previous?.kind === 'failed' ? { replay: previous.replay } : {}) }),
    );
    if (!('result' in outcome)) return answer(service, outcome);
    const { result, target } = outcome;
    if (result.kind === 'response') {
      exchange(service, target.instance, result.status, result.requestBytes, result.responseBytes, result.aborted ? 'aborted' : undefined);
    } else {
      answer(service, serviceDown(service, `instance ${target.instance} at ${target.host}:${target.port}: ${result.code ?? result.error.message}`));
    }
  }

  /** The route of a request the lean path may serve, or null (see the class comment). */
  #leanRoute(method: string, target: string, forwarded: boolean): RouteMatch | null {
    if (forwarded || normalizePath(target) !== target) return null;
    const match = this.#table.match(method, target);
    if (!match || 'allowed' in match) return null;
    const service = match.route.service;
    const o = this.#options;
    if (o.capture?.wants('gateway', service) || o.faults?.touches('gateway', service) || o.resolver.ready(service).length === 0) return null;
    return match;
  }

  /** One request on the lean path: #onRequest's steps for a routed request with no fault or capture. */
  async #serveLean(request: LeanRequest, client: LeanConnection, match: RouteMatch): Promise<void> {
    const started = performance.now();
    const { head } = request;
    const traceparent = this.#traces.next(head.traceparent);
    const id = `gw-${++this.#nextId}`;
    const service = match.route.service;
    const report = (instance: number | null, status: number, requestBytes: number, responseBytes: number, error?: string, answerHead?: string) => {
      this.#options.headers?.keepHead(id, head.text, answerHead);
      this.#report({ id, caller: GATEWAY_CALLER, callee: this.#endpoints.of(service, instance), method: head.method, path: head.target, started, traceparent, status, requestBytes, responseBytes, error, fault: undefined });
    };
    const answer = (error: GatewayError) => report(null, error.status, 0, answerError(client, head.method, head.accept, error), error.body.error);
    // As node:http's path adds them (net/proxy/headers.ts): X-Forwarded-* (none came), then traceparent.
    const send = {
      path: match.forwardPath,
      headers: `x-forwarded-for: ${client.socket.remoteAddress ?? ''}\r\nx-forwarded-proto: http\r\n${head.host !== undefined ? `x-forwarded-host: ${head.host}\r\n` : ''}traceparent: ${traceparent}\r\n`,
    };
    const outcome = await this.#withInstance<ForwardResult>(service, client.socket, (target) => leanForward(this.#proxy.lean, client, request, target, send));
    if (!('result' in outcome)) return answer(outcome);
    const { result, target } = outcome;
    if (result.kind === 'response') report(target.instance, result.status, result.requestBytes, result.responseBytes, result.aborted ? 'aborted' : undefined, result.head);
    else answer(serviceDown(service, `instance ${target.instance} at ${target.host}:${target.port}: ${result.code ?? result.error.message}`));
  }

  #report(x: ExchangeFacts): void {
    this.#publish(exchangeEvent(x));
  }


  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const method = req.method ?? 'GET';
    const url = normalizePath(req.url ?? '/');
    if (url === null) return sendErrorOnSocket(socket, pathAboveRoot((req.url ?? '/').split('?')[0] ?? '/'));
    const match: RouteMatch | { allowed: string[] } | undefined = this.#table.match(method, url);
    if (!match) return sendErrorOnSocket(socket, noRoute(method, url, this.#table.routes));
    if ('allowed' in match) return sendErrorOnSocket(socket, methodNotAllowed(method, url, match.allowed));
    const service = match.route.service;
    const fault = this.#options.faults?.decide('gateway', service, method, url);
    if (fault && (await applyUpgradeFault(fault, socket, this.#stopping.signal, service)).kind !== 'continue') return;
    const outcome = await this.#withInstance<WsUpgradeResult>(service, socket, (target) => proxyUpgrade(req, socket, head, target, { path: match.forwardPath }));
    if (!('result' in outcome)) return sendErrorOnSocket(socket, outcome);
    const { result, target } = outcome;
    if (result.kind === 'failed') {
      sendErrorOnSocket(socket, serviceDown(service, `instance ${target.instance}: ${result.code ?? result.error.message}`));
      return;
    }
    if (result.kind !== 'upgraded') return;
    const id = `gw-ws-${++this.#nextId}`;
    const callee = { service, instance: target.instance };
    this.#publish({ type: 'ws.opened', id, caller: { service: 'gateway', instance: null }, callee, path: url, ts: Date.now() });
    this.#publish(wsClosedEvent(id, await result.closed));
  }

  /**
   * Finds a ready instance (waiting while the service is pending), runs `attempt`, and on
   * a retryable failure tries once more on another ready instance. Returns the attempt's
   * result and target, or the error to answer with.
   */
  async #withInstance<R extends { kind: string; retryable?: boolean; code?: string | undefined }>(
    service: string,
    client: ServerResponse | Duplex,
    attempt: Attempt<R>,
  ): Promise<{ result: R; target: InstanceAddress } | GatewayError> {
    const signal = lazyAbortSignal(client, this.#stopping.signal);
    const pick = () =>
      pickInstance({ resolver: this.#options.resolver, service, waitTimeoutMs: this.#options.waitTimeoutMs, signal, next: () => this.#next(service) });
    // One retry: a refused or stale connection is sent once more, elsewhere if possible.
    const outcome = await withRetry(pick, attempt, 1);
    if (!isNoInstance(outcome)) return outcome;
    return outcome.kind === 'down' ? serviceDown(service, outcome.reason) : notReadyInTime(service, outcome.waitedMs, outcome.reason);
  }

  #next(service: string): number {
    const n = this.#roundRobin.get(service) ?? 0;
    this.#roundRobin.set(service, n + 1);
    return n;
  }


  #notice(level: 'info' | 'warn' | 'error', message: string): void {
    this.#publish({ type: 'system.notice', level, source: 'gateway', message, ts: Date.now() });
  }

  #publish(event: DevmodeEvent): void {
    try {
      this.#options.publish(event);
    } catch {
      // A failing listener must not break a request.
    }
  }
}
