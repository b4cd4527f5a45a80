/** Where the proxy sends a request: one instance's address. Routes and services are the caller's business. */
export interface ProxyTarget {
  host: string;
  port: number;
}

/** Per-request choices of the caller (the gateway or the mesh). */
export interface ForwardOptions {
  /** path and query to send upstream (default: the incoming request's URL) */
  path?: string;
  /** add X-Forwarded-For/-Proto/-Host (default true) */
  forwarded?: boolean;
  /** extra request headers, set after the copied ones */
  headers?: Record<string, string>;
  /** body bytes a failed retryable attempt already read from the client (its `replay`) */
  replay?: readonly Buffer[];
}

/**
 * How a forward ended.
 * - `response`: the upstream answered and the answer went (or started going) to the client;
 *   `aborted` is set when either side cut the exchange mid-way.
 * - `failed`: nothing was written to the client, so the caller must answer (or retry);
 *   `retryable` says no request byte can have reached an upstream application, so sending
 *   the same request to another instance is safe.
 */
export type ForwardResult =
  | { kind: 'response'; status: number; requestBytes: number; responseBytes: number; aborted: boolean; /** the answer's head as relayed, on the lean path (node:http's is on its ServerResponse) */ head?: string }
  | {
      kind: 'failed';
      error: Error;
      code: string | undefined;
      retryable: boolean;
      requestBytes: number;
      /** when retryable: the body read so far, to pass as `replay` to the next attempt */
      replay: Buffer[];
    };

/** How a WebSocket (upgrade) proxy attempt ended. */
export type UpgradeResult =
  /** The handshake went through; `closed` resolves when both sockets are gone. */
  | { kind: 'upgraded'; closed: Promise<{ bytesIn: number; bytesOut: number }> }
  /** The upstream answered with an ordinary response (no upgrade); it was relayed to the client. */
  | { kind: 'response'; status: number }
  /** Nothing was written to the client socket; the caller answers or retries. */
  | { kind: 'failed'; error: Error; code: string | undefined; retryable: boolean };
