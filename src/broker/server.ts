/**
 * The embedded broker's TCP listener: accepts Kafka clients and gives each a Connection.
 * Knows nothing of Kafka semantics; those are in the handlers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerEvent } from '../core/events/index.js';
import type { ApiHandler, BrokerContext } from './apis/api.js';
import { Connection } from './connection.js';

export interface BrokerServerOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  apis: ReadonlyMap<number, ApiHandler>;
  maxRequestBytes: number;
  publish: (e: BrokerEvent) => void;
  /** called once the port is known, before the first connection is accepted */
  context: (port: number) => BrokerContext;
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
  #server: Server | null = null;
  #context: BrokerContext | null = null;
  #nextId = 1;
  #port = 0;
  #stopping: Promise<void> | null = null;

  constructor(options: BrokerServerOptions) {
    this.#options = options;
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
    const { host, port } = this.#options;
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
    });
    server.on('error', () => {
      // after listening, errors concern single connections; they are handled there
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
    if (this.#stopping) {
      // stop() was called while we were binding
      server.close();
      return;
    }
    this.#context = this.#options.context(this.#port);
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
    if (this.#stopping || !context) {
      socket.destroy();
      return;
    }
    const connection = new Connection({
      socket,
      id: this.#nextId++,
      broker: context,
      apis: this.#options.apis,
      maxRequestBytes: this.#options.maxRequestBytes,
      publish: this.#options.publish,
      onClose: (c) => this.#connections.delete(c),
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
