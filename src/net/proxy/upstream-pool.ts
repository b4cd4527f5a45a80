import { Client, Pool, type Dispatcher } from 'undici';
import type { ProxyTarget } from './types.js';

/** A dispatch handler that wants to know which connection-owning Client carries it. */
export interface ClientAwareHandler extends Dispatcher.DispatchHandler {
  onClient?(client: TrackedClient): void;
}

/**
 * An undici Client (one connection, no pipelining) that knows whether its current
 * connection already carried a request. undici hides its sockets; the retry rule needs
 * to tell a pooled connection the upstream had just closed (safe to replay) from a fresh
 * one that failed (the request may have reached the application).
 */
export class TrackedClient extends Client {
  #sent = 0;

  constructor(origin: URL | string, options: Client.Options) {
    super(origin, options);
    // Emitted once a new connection is up, before its first request is written.
    this.on('connect', () => (this.#sent = 0));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    (handler as ClientAwareHandler).onClient?.(this);
    return super.dispatch(options, handler);
  }

  /** Call when a request is written (undici's onRequestStart); true if the connection carried one before. */
  requestWritten(): boolean {
    return this.#sent++ > 0;
  }
}

/** Tuning of the upstream connection pools. */
export interface UpstreamPoolsOptions {
  /** connections per upstream instance */
  connections: number;
  /** idle keep-alive connections are closed after this long (ms) */
  keepAliveMs: number;
}

/**
 * One undici Pool per target (host:port). A pool whose connections are all gone is
 * closed and forgotten, so instances that went away (every reload gets a new port)
 * leave nothing behind.
 */
export class UpstreamPools {
  readonly #options: UpstreamPoolsOptions;
  readonly #pools = new Map<string, Pool>();
  #closed = false;

  constructor(options: UpstreamPoolsOptions) {
    this.#options = options;
  }

  /** The pool for a target, created on first use. Throws after close(). */
  get(target: ProxyTarget): Pool {
    const key = `${target.host}:${target.port}`;
    const existing = this.#pools.get(key);
    if (existing) return existing;
    if (this.#closed) throw new Error('the HTTP proxy is closed');
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const pool = new Pool(`http://${host}:${target.port}`, {
      connections: this.#options.connections,
      pipelining: 1,
      // Shorter than Node's server default keepAliveTimeout (5 s), so we close an idle
      // connection before the backend does (undici also honours a Keep-Alive hint).
      keepAliveTimeout: this.#options.keepAliveMs,
      // No timeouts on a request in progress: a long poll or an SSE stream may be silent for
      // minutes, and the gateway does not decide for the service how long it may take.
      headersTimeout: 0,
      bodyTimeout: 0,
      factory: (origin, options) => new TrackedClient(origin, options as Client.Options),
    });
    const forgetIfIdle = () => setImmediate(() => this.#forgetIfIdle(key, pool));
    pool.on('disconnect', forgetIfIdle);
    pool.on('connectionError', forgetIfIdle);
    this.#pools.set(key, pool);
    return pool;
  }

  #forgetIfIdle(key: string, pool: Pool): void {
    if (this.#pools.get(key) !== pool) return;
    const stats = pool.stats;
    if (stats.connected > 0 || stats.size > 0) return;
    this.#pools.delete(key);
    pool.close().catch(() => {});
  }

  /** Destroys every pool; requests in flight are cut. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
