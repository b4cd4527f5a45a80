/**
 * HTTP forwarding shared by the gateway and the mesh. Server side node:http. Upstream, a
 * request without a body goes through an undici Pool per instance, driven by `dispatch`
 * with a handler that writes straight into the ServerResponse (no web streams, no
 * ClientRequest/IncomingMessage per request, the whole answer in one write when its
 * length is known); a request with a body goes through node:http (node-forward.ts),
 * because undici writes a streamed body's request head only with its first body byte,
 * which deadlocks a client that waits for the response head before sending (a full-duplex
 * echo). Bodies are streamed both ways, never buffered; only the first 64 KiB of a request
 * body are kept for a replay.
 *
 * Measured with `test/bench/gateway.ts --compare` (2 cores shared with other engineers'
 * work, load average 3-7; best req/s of 3 interleaved rounds, 64 connections; CPU time
 * of the proxy process per request, which other load hardly changes): a bare forwarder
 * over this module used 19.8 µs of CPU per request and reached 44.9k req/s (0.78x nginx's
 * 57.5k), against 38.8 µs and 26.1k for the same forwarder over the former node:http-only
 * implementation (`client: 'node:http'`); a bare undici forwarder 24.3 µs. Profile of the
 * former one: a third of the time in the two write syscalls, the rest spread over
 * ClientRequest, Agent.addRequest, IncomingMessage and pipe(); GC ~5%.
 *
 * The retry rule (see ForwardResult): a request is `retryable` when no byte of it can
 * have reached an upstream application: the connection was never established (refused),
 * or it went out on a pooled connection the upstream had already closed (a graceful
 * shutdown closing idle keep-alive connections during a swap), in which case it is
 * replayed whatever its method (in development, losing no request during a reload matters
 * more than the rare duplicate). undici hides its sockets, so a TrackedClient (one per
 * connection, made by the Pool's factory) tells a reused connection from a fresh one;
 * node:http's `reusedSocket` does the same for bodies.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { downstreamResponseHead, upstreamRequestHeaders } from './headers.js';
import { LeanUpstreams } from '../lean/upstreams.js';
import { NodeHttpForwarder } from './node-forward.js';
import type { ForwardOptions, ForwardResult, ProxyTarget } from './types.js';
import type { ClientAwareHandler, TrackedClient, UpstreamPools, UpstreamPoolsOptions } from './upstream-pool.js';
import { NEVER_CONNECTED } from '../connect-errors.js';

/** How a connection closed under a request shows up (undici's "other side closed", a reset, a broken pipe). */
const CONNECTION_CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Tuning of the upstream connection pools. */
export interface HttpProxyOptions {
  /** connections per upstream instance (default 256) */
  maxSocketsPerTarget?: number;
  /** idle keep-alive connections are closed after this long (default 4000 ms) */
  keepAliveMs?: number;
  /**
   * 'node:http' sends every request through node:http (the former implementation, kept
   * so test/bench/gateway.ts can compare); by default only requests with a body do.
   */
  client?: 'undici' | 'node:http';
}

/**
 * Forwards HTTP requests to a given target. Owns one keep-alive pool per target;
 * `close()` destroys them.
 */
export class HttpProxy {
  /** the keep-alive connections of the mesh's lean path (net/lean), closed with the rest */
  readonly lean: LeanUpstreams;
  readonly #poolOptions: UpstreamPoolsOptions;
  /**
   * undici's pools, loaded on first use: undici costs ~28 MB of memory once loaded (its
   * HTTP parser is WebAssembly), and with the lean path in front most runs never need it.
   */
  #pools: UpstreamPools | undefined;
  #loading: Promise<UpstreamPools> | undefined;
  #closed = false;
  readonly #node: NodeHttpForwarder;
  readonly #nodeOnly: boolean;

  constructor(options: HttpProxyOptions = {}) {
    const connections = options.maxSocketsPerTarget ?? 256;
    const keepAliveMs = options.keepAliveMs ?? 4000;
    this.#poolOptions = { connections, keepAliveMs };
    this.#node = new NodeHttpForwarder({ maxSockets: connections, keepAliveMs });
    this.#nodeOnly = options.client === 'node:http';
    this.lean = new LeanUpstreams({ keepAliveMs });
  }

  /**
   * Sends `req` to `target` and streams the answer into `res`. Never throws; the result
   * says whether the caller still has to answer (see ForwardResult).
   */
  forward(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, options: ForwardOptions = {}): Promise<ForwardResult> {
    const hasBody =
      (options.replay !== undefined && options.replay.length > 0) ||
      req.headers['transfer-encoding'] !== undefined ||
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    if (hasBody || this.#nodeOnly) return this.#node.forward(req, res, target, options);
    const pools = this.#pools;
    if (!pools) return this.#loadPools().then(() => this.forward(req, res, target, options));
    return new Promise<ForwardResult>((resolve) => {
      const exchange = new Exchange(req, res, resolve);
      try {
        const headers = upstreamRequestHeaders(req, options.forwarded !== false, options.headers);
        const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
        pools.get(target).dispatch({ method, path: options.path ?? req.url ?? '/', headers, body: null }, exchange);
      } catch (error) {
        // An invalid header or path (undici validates them) or a closed proxy.
        exchange.fail(error as Error);
      }
    });
  }

  #loadPools(): Promise<UpstreamPools> {
    this.#loading ??= import('./upstream-pool.js').then(({ UpstreamPools }) => {
      const pools = new UpstreamPools(this.#poolOptions);
      if (this.#closed) void pools.close(); // get() then throws: the forward fails cleanly
      return (this.#pools = pools);
    });
    return this.#loading;
  }

  /** Destroys the pooled connections. In-flight requests are cut. Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    this.lean.close();
    this.#node.close();
    return this.#pools?.close() ?? Promise.resolve();
  }
}

/** One forwarded request: undici's dispatch handler, writing the answer into `res`. */
class Exchange implements ClientAwareHandler {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #resolve: (result: ForwardResult) => void;
  #client: TrackedClient | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #connected = false;
  #reused = false;
  #settled = false;
  #clientGone = false;
  #status = 0;
  #responded = false;
  /** the response body was written out completely (res.end called) */
  #ended = false;
  #wrote = false;
  #contentLength = -1;
  #responseBytes = 0;

  constructor(req: IncomingMessage, res: ServerResponse, resolve: (result: ForwardResult) => void) {
    this.#req = req;
    this.#res = res;
    this.#resolve = resolve;
    res.on('close', this.#onClientClose);
  }

  onClient(client: TrackedClient): void {
    this.#client = client;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    this.#connected = true;
    this.#reused = this.#client?.requestWritten() ?? false;
    if (this.#clientGone) controller.abort(new Error('client gone'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, upstream: IncomingHttpHeaders, statusText?: string): void {
    // 1xx (103 Early Hints): node:http's client ignored them too; the final answer follows.
    if (status < 200) return;
    const res = this.#res;
    if (this.#clientGone || res.destroyed) {
      controller.abort(new Error('client gone'));
      return;
    }
    const { headers, contentLength } = downstreamResponseHead(upstream);
    res.writeHead(status, statusText ?? '', headers);
    this.#status = status;
    this.#responded = true;
    const bodyless = this.#req.method === 'HEAD' || status === 204 || status === 304;
    this.#contentLength = bodyless ? 0 : contentLength;
    if (this.#contentLength < 0) {
      // A streamed response (SSE, long poll, chunked echo) may send its first body byte
      // much later: the client must see the headers now. The body and the end that come
      // with them in this same read go out in one write (corked until the next tick).
      res.cork();
      process.nextTick(this.#flushHead);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#wrote = true;
    this.#responseBytes += chunk.length;
    const res = this.#res;
    if (this.#responseBytes === this.#contentLength) {
      // The whole body is in: headers, body and end in one write.
      this.#ended = true;
      res.end(chunk);
      return;
    }
    if (res.write(chunk)) return;
    // Backpressure: stop reading from the upstream until the client has taken this in.
    controller.pause();
    res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.#wrote = true;
    if (this.#ended) return;
    this.#ended = true;
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The request failed (undici's error, or one thrown before dispatch). */
  fail(error: Error): void {
    if (this.#responded) {
      // Cut mid-body: the client must see a cut, not a clean end. `close` settles.
      this.#res.destroy();
      return;
    }
    if (this.#settled) return;
    this.#res.off('close', this.#onClientClose);
    const raw = (error as NodeJS.ErrnoException).code;
    // A pooled connection the upstream had closed: nothing reached the application.
    const stale = this.#reused && CONNECTION_CLOSED.has(raw ?? '');
    const neverSeen = (!this.#connected && NEVER_CONNECTED.has(raw ?? '')) || stale;
    // Only bodyless requests come this way: a retry sends nothing twice but the head.
    const retryable = neverSeen;
    // A stale connection reads as ECONNRESET whatever undici called it: callers may retry
    // it on the same instance, as only that connection was bad.
    const code = stale ? 'ECONNRESET' : raw;
    this.#settle({ kind: 'failed', error, code, retryable, requestBytes: 0, replay: [] });
  }

  readonly #flushHead = (): void => {
    const res = this.#res;
    if (!this.#wrote && !res.destroyed) res.flushHeaders();
    res.uncork();
  };

  readonly #onClientClose = (): void => {
    // Settle before aborting: abort() reports to onResponseError at once.
    if (this.#responded) {
      this.#settle({ kind: 'response', status: this.#status, requestBytes: 0, responseBytes: this.#responseBytes, aborted: !this.#ended || !this.#res.writableFinished });
      if (!this.#ended) this.#controller?.abort(new Error('client gone'));
      return;
    }
    // The client went away before the upstream answered: abandon the upstream request
    // (or, when it is still queued for a connection, as soon as it gets one).
    this.#clientGone = true;
    this.#settle({ kind: 'response', status: 499, requestBytes: 0, responseBytes: 0, aborted: true });
    this.#controller?.abort(new Error('client gone'));
  };

  #settle(result: ForwardResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }
}
