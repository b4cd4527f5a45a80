import type { ForwardResult, ProxyTarget } from '../proxy/types.js';
import { ChunkedEnd } from './chunked.js';
import { headEnd, MAX_HEAD_BYTES, readResponseHead, type RequestHead, type ResponseHead } from './head.js';
import type { LeanUpstreams, UpstreamConnection, UpstreamOwner } from './upstreams.js';
import { NEVER_CONNECTED } from '../connect-errors.js';

/** A request read whole by the lean path: its head and its body (Content-Length bytes). */
export interface LeanRequest {
  head: RequestHead;
  body: Buffer;
}

/** What the upstream request says beyond the client's: its path, and header lines to add. */
export interface LeanSend {
  /** path and query upstream (default: the client's target) */
  path?: string;
  /** header lines, each ending in CRLF (traceparent, X-Forwarded-*) */
  headers: string;
}

/** The client side of an exchange, as a LeanConnection gives it. */
export interface LeanClient {
  /** writes response bytes; false: wait for onDrain */
  write(chunk: Buffer): boolean;
  onDrain(resume: () => void): void;
  /** cuts the client connection (an upstream that broke off mid-answer) */
  destroy(): void;
  /** the answer relayed says the connection ends with it (Connection: close, or no length) */
  closeAfterAnswer(): void;
  /** the exchange to tell when the client goes away */
  current: { clientGone(): void } | null;
}

/**
 * Sends one request over a keep-alive connection and relays the answer's bytes to the
 * client as they come, verbatim (status line, headers, body framing: the service's own
 * answer reaches its caller unchanged). The request head is rebuilt only to set what
 * `send` says (this hop's traceparent, the gateway's path and X-Forwarded-*). Settles with
 * the same ForwardResult as net/proxy, under the same retry rule: `retryable` when no byte can have reached the upstream application (never
 * connected, or a pooled connection that closed before answering).
 */
export function leanForward(upstreams: LeanUpstreams, client: LeanClient, request: LeanRequest, target: ProxyTarget, send: LeanSend): Promise<ForwardResult> {
  return new Promise<ForwardResult>((resolve) => {
    let connection: UpstreamConnection;
    try {
      connection = upstreams.acquire(target);
    } catch (error) {
      resolve({ kind: 'failed', error: error as Error, code: undefined, retryable: false, requestBytes: 0, replay: [] });
      return;
    }
    new LeanExchange(upstreams, connection, client, request, resolve).send(send);
  });
}

class LeanExchange implements UpstreamOwner {
  readonly #upstreams: LeanUpstreams;
  readonly #connection: UpstreamConnection;
  readonly #client: LeanClient;
  readonly #request: LeanRequest;
  readonly #resolve: (result: ForwardResult) => void;
  readonly #reused: boolean;
  /** response bytes not yet a whole head */
  #pending: Buffer | undefined;
  #head: ResponseHead | undefined;
  /** the final (non-1xx) head went to the client */
  #answered = false;
  #bodyLeft = 0;
  #chunked: ChunkedEnd | undefined;
  #responseBytes = 0;
  #settled = false;

  constructor(upstreams: LeanUpstreams, connection: UpstreamConnection, client: LeanClient, request: LeanRequest, resolve: (result: ForwardResult) => void) {
    this.#upstreams = upstreams;
    this.#connection = connection;
    this.#client = client;
    this.#request = request;
    this.#resolve = resolve;
    this.#reused = connection.uses > 0;
    connection.owner = this;
    client.current = this;
  }

  send(send: LeanSend): void {
    const { head, body } = this.#request;
    const lines = head.lines.length > 0 ? `${head.lines.join('\r\n')}\r\n` : '';
    const text = `${head.method} ${send.path ?? head.target} HTTP/1.1\r\n${lines}${send.headers}\r\n`;
    const socket = this.#connection.socket;
    if (body.length === 0) socket.write(text, 'latin1');
    else {
      socket.cork();
      socket.write(text, 'latin1');
      socket.write(body);
      socket.uncork();
    }
  }

  onUpstreamData(chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#answered) return this.#body(chunk, 0);
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let from = 0;
    // Heads until the final one: 1xx informational answers (103 Early Hints) are relayed.
    while (!this.#answered) {
      const end = headEnd(buffer, from);
      if (end < 0) {
        if (buffer.length - from > MAX_HEAD_BYTES) return this.#broken('an answer head over 16 KiB');
        this.#pending = buffer.subarray(from);
        if (from > 0) this.#client.write(buffer.subarray(0, from));
        return;
      }
      const head = readResponseHead(buffer.subarray(from), end - from, this.#request.head.method === 'HEAD');
      if (!head) return this.#broken('a malformed answer head');
      if (head.status === 101) return this.#broken('a protocol switch nobody asked for');
      from = end;
      if (head.status >= 200) {
        this.#head = head;
        this.#answered = true;
        if (head.close) this.#client.closeAfterAnswer();
      }
    }
    const framing = this.#head!.framing;
    if (framing.kind === 'length') this.#bodyLeft = framing.length;
    else if (framing.kind === 'chunked') this.#chunked = new ChunkedEnd();
    this.#body(buffer, from, true);
  }

  /** Relays body bytes of `chunk` from `from` (with the head before them when `withHead`). */
  #body(chunk: Buffer, from: number, withHead = false): void {
    const framing = this.#head!.framing;
    let end = chunk.length;
    let done = false;
    switch (framing.kind) {
      case 'none':
        end = from;
        done = true;
        break;
      case 'length':
        if (chunk.length - from >= this.#bodyLeft) {
          end = from + this.#bodyLeft;
          done = true;
        }
        this.#bodyLeft -= end - from;
        break;
      case 'chunked': {
        const at = this.#chunked!.feed(chunk, from);
        if (at === -2) return this.#broken('a broken chunked body');
        if (at >= 0) {
          end = at;
          done = true;
        }
        break;
      }
      case 'close':
        break;
    }
    this.#responseBytes += end - from;
    const start = withHead ? 0 : from;
    const out = start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end);
    const drained = out.length === 0 || this.#client.write(out);
    if (done) {
      // Bytes after the end of the answer: the upstream broke the protocol; no reuse.
      if (end < chunk.length) this.#connection.socket.destroy();
      return this.#finish(false);
    }
    if (!drained) {
      const socket = this.#connection.socket;
      socket.pause();
      this.#client.onDrain(() => socket.resume());
    }
  }

  onUpstreamClose(error: NodeJS.ErrnoException | undefined): void {
    if (this.#settled) return;
    if (this.#answered) {
      // An answer delimited by the close ends here; any other is cut short.
      if (this.#head!.framing.kind === 'close') return this.#finish(false);
      this.#client.destroy();
      return this.#finish(true);
    }
    const code = error?.code;
    const stale = this.#reused && (code === undefined || code === 'ECONNRESET' || code === 'EPIPE');
    const neverConnected = !this.#connection.connected && NEVER_CONNECTED.has(code ?? '');
    const why = error ?? new Error('the upstream closed the connection before answering');
    this.#settle({ kind: 'failed', error: why, code: stale ? 'ECONNRESET' : (code ?? 'ECONNRESET'), retryable: stale || neverConnected, requestBytes: 0, replay: [] });
  }

  clientGone(): void {
    if (this.#settled) return;
    this.#connection.socket.destroy();
    this.#settle({ kind: 'response', status: this.#head?.status ?? 499, requestBytes: this.#request.body.length, responseBytes: this.#responseBytes, aborted: true, head: this.#head?.text });
  }

  /** The upstream broke HTTP: a bad gateway if nothing was relayed yet, else a cut. */
  #broken(why: string): void {
    this.#connection.socket.destroy();
    if (this.#answered) {
      this.#client.destroy();
      return this.#finish(true);
    }
    this.#settle({ kind: 'failed', error: new Error(`the upstream sent ${why}`), code: 'EPROTO', retryable: false, requestBytes: 0, replay: [] });
  }

  #finish(aborted: boolean): void {
    const connection = this.#connection;
    if (!aborted && !this.#head!.close && !this.#request.head.close && !connection.socket.destroyed) this.#upstreams.release(connection);
    else {
      connection.owner = null;
      connection.socket.destroy();
    }
    this.#settle({ kind: 'response', status: this.#head!.status, requestBytes: this.#request.body.length, responseBytes: this.#responseBytes, aborted, head: this.#head!.text });
  }

  #settle(result: ForwardResult): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#connection.owner === this) this.#connection.owner = null;
    if (this.#client.current === this) this.#client.current = null;
    this.#resolve(result);
  }
}
