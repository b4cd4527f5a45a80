import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';

/** Where a server ended up listening (port resolved when 0 was asked). */
export interface BoundAddress {
  host: string;
  port: number;
  url: string;
}

/**
 * Listens on host:port (an HTTP server, or a net server that speaks HTTP itself: the
 * mesh's lean path) and tracks the server's sockets so that `close()` can end
 * keep-alive connections too: plain `server.close()` waits for every idle keep-alive
 * socket to time out, which would make stop() hang for seconds.
 */
export class HttpListener {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #closing: Promise<void> | undefined;

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens; rejects with a clear message when the port is taken. */
  async listen(host: string, port: number): Promise<BoundAddress> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.#server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} on ${host} is already in use`, { cause: error }));
        else reject(error);
      };
      const onListening = () => {
        this.#server.off('error', onError);
        // stop() was called while we were binding: honour it rather than leak a listener.
        if (this.#closing) {
          this.#server.close();
          reject(new Error('server was closed while starting'));
        } else resolve();
      };
      this.#server.once('error', onError);
      this.#server.once('listening', onListening);
      this.#server.listen(port, host);
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs`, then destroys
   * what is left. Idempotent: every call returns the same promise.
   */
  close(graceMs = 0): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (!this.#server.listening) {
        for (const socket of this.#sockets) socket.destroy();
        resolve();
        return;
      }
      this.#server.close(() => resolve());
      (this.#server as Partial<HttpServer>).closeIdleConnections?.call(this.#server);
      const destroyAll = () => {
        for (const socket of this.#sockets) socket.destroy();
      };
      if (graceMs <= 0) destroyAll();
      else setTimeout(destroyAll, graceMs).unref();
    });
    return this.#closing;
  }
}
