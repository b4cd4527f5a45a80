/**
 * The embedded broker's TCP listener: accepts Kafka clients and gives each a Connection.
 * Knows nothing of Kafka semantics; those are in the handlers. For the broker-down fault it
 * can be suspended (listener closed, connections closed: clients get connection refused)
 * and resumed on the same port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerEvent } from '../core/events/index.js';
import type { ApiHandler, BrokerContext } from './apis/api.js';
import { Connection } from './connection.js';
import type { ConnectionClient } from './attribution/connection-client.js';
import { ClientProblems } from './attribution/client-problems.js';

export interface BrokerServerOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  apis: ReadonlyMap<number, ApiHandler>;
  maxRequestBytes: number;
  publish: (e: BrokerEvent) => void;
  /** called once the port is known, before the first connection is accepted */
  context: (port: number) => BrokerContext;
  /** what to track about each new connection's client; absent: nothing */
  client?: (remoteAddress: string, remotePort: number) => ConnectionClient | undefined;
}

/** A port already taken, or an address that cannot be bound; the message is for the user. */
export class BrokerListenError extends Error {
  override readonly name = 'BrokerListenError';
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

export class BrokerServer {
  readonly #options: BrokerServerOptions;
  readonly #connections = new Set<Connection>();
  /** one for all connections, so a client that reconnects in a loop is still one line per window */
  readonly #problems: ClientProblems;
  #server: Server | null = null;
  #context: BrokerContext | null = null;
  #nextId = 1;
  #port = 0;
  #stopping: Promise<void> | null = null;
  #suspended = false;

  constructor(options: BrokerServerOptions) {
    this.#options = options;
    this.#problems = new ClientProblems(options.publish);
  }

  /** The bound port (0 before start). */
  get port(): number {
    return this.#port;
  }

  /** Open connections (for introspection: client ids and remote addresses). */
  connections(): readonly Connection[] {
    return [...this.#connections];
  }

  async start(): Promise<void> {
    await this.#listen(this.#options.port);
    if (this.#stopping) {
      // stop() was called while we were binding
      this.#server?.close();
      return;
    }
    this.#context = this.#options.context(this.#port);
  }

  /** Whether the listener is closed by suspend(). */
  get suspended(): boolean {
    return this.#suspended;
  }

  /**
   * Stops accepting (the port is closed, so clients get connection refused) and closes
   * every connection; returns how many were closed. Nothing else changes.
   */
  async suspend(): Promise<number> {
    if (this.#suspended || this.#stopping) return 0;
    this.#suspended = true;
    const closed = this.#connections.size;
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    const server = this.#server;
    this.#server = null;
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    return closed;
  }

  /** Listens again on the port bound at start (rejects with BrokerListenError when it is taken). */
  async resume(): Promise<void> {
    if (!this.#suspended || this.#stopping) return;
    await this.#listen(this.#port);
    this.#suspended = false;
    if (this.#stopping) this.#server?.close();
  }

  async #listen(port: number): Promise<void> {
    const { host } = this.#options;
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        reject(listenError(error, host, port));
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ host, port, exclusive: true });
    }).catch((error: unknown) => {
      if (this.#server === server) this.#server = null;
      throw error;
    });
    server.on('error', () => {
      // after listening, errors concern single connections; they are handled there
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#close();
    return this.#stopping;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    if (!server || !server.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    const context = this.#context;
    if (this.#stopping || this.#suspended || !context) {
      socket.destroy();
      return;
    }
    const client = this.#options.client?.(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    const connection = new Connection({
      socket,
      id: this.#nextId++,
      broker: context,
      apis: this.#options.apis,
      maxRequestBytes: this.#options.maxRequestBytes,
      publish: this.#options.publish,
      problems: this.#problems,
      onClose: (c) => this.#connections.delete(c),
      ...(client ? { client } : {}),
    });
    this.#connections.add(connection);
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): BrokerListenError {
  if (error.code === 'EADDRINUSE') {
    return new BrokerListenError(
      `port ${port} is in use on ${host}: the embedded Kafka broker cannot listen there. ` +
        `Stop whatever uses it (lsof -i :${port}) or set broker.port to another port (0 picks a free one).`,
      error.code,
    );
  }
  if (error.code === 'EACCES') {
    return new BrokerListenError(`port ${port} on ${host} needs privileges the embedded Kafka broker does not have; choose a port above 1023.`, error.code);
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new BrokerListenError(`address ${host} is not available on this machine; the embedded Kafka broker listens on 127.0.0.1 by default.`, error.code);
  }
  return new BrokerListenError(`the embedded Kafka broker cannot listen on ${host}:${port}: ${error.message}`, error.code);
}
