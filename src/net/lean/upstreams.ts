import net, { type Socket } from 'node:net';
import type { ProxyTarget } from '../proxy/types.js';

/** What a connection's bytes and end are handed to while an exchange owns it. */
export interface UpstreamOwner {
  onUpstreamData(chunk: Buffer): void;
  onUpstreamClose(error: NodeJS.ErrnoException | undefined): void;
}

/**
 * One keep-alive connection to an upstream instance. Its listeners are attached once, for
 * its whole life, and pass events to whichever exchange owns it now: adding and removing
 * listeners per request costs more than the request's own parsing.
 */
export class UpstreamConnection {
  readonly socket: Socket;
  readonly key: string;
  /** exchanges it carried before the current one */
  uses = 0;
  /** it connected (a failure after this may have reached the application) */
  connected = false;
  owner: UpstreamOwner | null = null;
  #error: NodeJS.ErrnoException | undefined;

  constructor(target: ProxyTarget, key: string, keepAliveMs: number, onGone: (connection: UpstreamConnection) => void) {
    this.key = key;
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.socket = socket;
    socket.once('connect', () => (this.connected = true));
    socket.on('data', (chunk: Buffer) => {
      if (this.owner) this.owner.onUpstreamData(chunk);
      // Bytes on an idle connection: the upstream broke the protocol; do not reuse it.
      else socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (this.#error = error));
    socket.once('close', () => {
      onGone(this);
      const owner = this.owner;
      this.owner = null;
      owner?.onUpstreamClose(this.#error);
    });
    // Refreshed by every read and write; only an idle connection is closed by it.
    socket.setTimeout(keepAliveMs, () => {
      if (!this.owner) socket.destroy();
    });
  }
}

/**
 * The lean path's keep-alive connections, per upstream instance (host:port). An idle
 * connection is reused last-in first-out (the warmest), closed after `keepAliveMs`
 * idle (shorter than Node's server default of 5 s, so devmode closes first), and
 * forgotten when it closes, so instances that went away leave nothing behind.
 */
export class LeanUpstreams {
  readonly #keepAliveMs: number;
  readonly #maxIdle: number;
  readonly #idle = new Map<string, UpstreamConnection[]>();
  readonly #all = new Set<UpstreamConnection>();
  #closed = false;

  constructor(options: { keepAliveMs?: number; maxIdlePerTarget?: number } = {}) {
    this.#keepAliveMs = options.keepAliveMs ?? 4000;
    this.#maxIdle = options.maxIdlePerTarget ?? 256;
  }

  /** An idle connection to `target`, or a new one. Throws after close(). */
  acquire(target: ProxyTarget): UpstreamConnection {
    if (this.#closed) throw new Error('the HTTP proxy is closed');
    const key = `${target.host}:${target.port}`;
    const idle = this.#idle.get(key);
    const reused = idle?.pop();
    if (reused) return reused;
    const connection = new UpstreamConnection(target, key, this.#keepAliveMs, (c) => this.#forget(c));
    this.#all.add(connection);
    return connection;
  }

  /** Takes a connection back after a complete exchange. */
  release(connection: UpstreamConnection): void {
    connection.owner = null;
    connection.uses++;
    if (this.#closed || connection.socket.destroyed) return;
    let idle = this.#idle.get(connection.key);
    if (!idle) this.#idle.set(connection.key, (idle = []));
    if (idle.length >= this.#maxIdle) connection.socket.destroy();
    else idle.push(connection);
  }

  #forget(connection: UpstreamConnection): void {
    this.#all.delete(connection);
    const idle = this.#idle.get(connection.key);
    if (!idle) return;
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
    if (idle.length === 0) this.#idle.delete(connection.key);
  }

  /** Destroys every connection; exchanges in flight are cut. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const connection of this.#all) connection.socket.destroy();
    this.#all.clear();
    this.#idle.clear();
  }
}
