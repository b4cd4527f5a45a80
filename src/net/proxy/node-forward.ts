import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { http } from '../node-http.js';
import type { Socket } from 'node:net';
import { addForwarded, endToEndHeaders } from './headers.js';
import type { ForwardOptions, ForwardResult, ProxyTarget } from './types.js';
import { NEVER_CONNECTED } from '../connect-errors.js';

/** Bytes of a request body kept for a replay on another connection (larger bodies are not retried). */
const MAX_REPLAY = 64 * 1024;

/**
 * Forwards over node:http's client with a keep-alive Agent (one for all targets). The
 * HttpProxy sends requests with a body this way: undici writes a streamed body's request
 * headers only with its first body byte, which would deadlock a client that waits for
 * the response headers before sending (a full-duplex echo), and node:http exposes what
 * the replay rule needs (`reusedSocket`, the moment the socket connects).
 */
export class NodeHttpForwarder {
  readonly #agent: Agent;

  constructor(options: { maxSockets: number; keepAliveMs: number }) {
    this.#agent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: 64,
      // lifo reuses the warmest socket and lets the rest idle out.
      scheduling: 'lifo',
      // Shorter than Node's server default keepAliveTimeout (5 s), so we close an idle
      // socket before the backend does and rarely hit a socket the backend just closed.
      timeout: options.keepAliveMs,
    });
  }

  /** As HttpProxy.forward. */
  forward(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, options: ForwardOptions = {}): Promise<ForwardResult> {
    return new Promise<ForwardResult>((resolve) => {
      const headers = endToEndHeaders(req.headers);
      if (options.forwarded !== false) addForwarded(headers, req);
      if (options.headers) Object.assign(headers, options.headers);

      let requestBytes = 0;
      let responseBytes = 0;
      let bodyStarted = false;
      let upRes: IncomingMessage | undefined;
      let settled = false;
      let connected = false;
      const settle = (result: ForwardResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };

      const upstream = http.request({
        host: target.host,
        port: target.port,
        method: req.method,
        path: options.path ?? req.url,
        headers,
        agent: this.#agent,
      });

      // Most requests have no body: end at once and skip the piping machinery (measurably
      // cheaper under load). Otherwise the body is piped only once the connection is up,
      // so a refused connection has consumed nothing and the request can go elsewhere.
      // The first MAX_REPLAY bytes are also kept, so a request sent on a pooled socket
      // that the upstream had just closed can be replayed on another connection.
      const replay: Buffer[] = [...(options.replay ?? [])];
      let replayable = true;
      let replayBytes = replay.reduce((n, b) => n + b.length, 0);
      const countIn = (chunk: Buffer) => {
        requestBytes += chunk.length;
        if (!replayable) return;
        replayBytes += chunk.length;
        if (replayBytes > MAX_REPLAY) {
          replayable = false;
          replay.length = 0;
        } else replay.push(chunk);
      };
      const hasBody =
        replay.length > 0 || req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
      if (!hasBody) {
        upstream.end();
      } else {
        upstream.on('socket', (socket: Socket) => {
          readsPastWriteErrors(socket);
          const startBody = () => {
            connected = true;
            if (bodyStarted) return;
            bodyStarted = true;
            // The upstream may answer before the body ends (a streamed echo): send the
            // headers now instead of with the first body chunk.
            upstream.flushHeaders();
            for (const chunk of options.replay ?? []) {
              requestBytes += chunk.length;
              upstream.write(chunk);
            }
            // pipe() never ends the destination for a source that already ended.
            if (req.readableEnded) upstream.end();
            else {
              req.on('data', countIn);
              req.pipe(upstream);
            }
          };
          if (socket.connecting) socket.once('connect', startBody);
          else startBody();
        });
      }

      upstream.on('response', (response: IncomingMessage) => {
        upRes = response;
        // The upstream answered and went away before taking the whole body (an early 413):
        // the rest of the body is read and dropped, so the client is not left hanging.
        upstream.once('close', () => {
          if (req.readableEnded) return;
          req.unpipe(upstream);
          req.resume();
        });
        if (res.destroyed) {
          response.destroy();
          return;
        }
        res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEndHeaders(response.headers));
        // Counting bytes costs a listener per chunk; with a Content-Length it is known.
        const declared = response.headers['content-length'];
        const bodyless = req.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;
        if (declared !== undefined && !bodyless) responseBytes = Number(declared);
        else if (!bodyless) {
          response.on('data', (chunk: Buffer) => (responseBytes += chunk.length));
          // A streamed response (SSE, long poll, chunked echo) may send its first body
          // byte much later: the client must see the headers now. With a length, the body
          // follows at once and the headers go out with it (one write instead of two).
          res.flushHeaders();
        }
        response.pipe(res);
        // A response cut mid-body must reach the client as a cut, not as a clean end.
        response.on('aborted', () => res.destroy());
        response.on('error', () => res.destroy());
      });

      res.on('close', () => {
        if (upRes) {
          if (!upRes.complete) upRes.destroy();
          const aborted = !res.writableFinished || !upRes.complete;
          settle({ kind: 'response', status: upRes.statusCode ?? 502, requestBytes, responseBytes, aborted });
        } else if (!settled) {
          // The client went away before the upstream answered: abandon the upstream request.
          upstream.destroy();
          settle({ kind: 'response', status: 499, requestBytes, responseBytes: 0, aborted: true });
        }
      });

      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (upRes) {
          // A complete answer followed by the upstream's reset (it closed with our body
          // unread) is still that answer: it is streaming out; only a cut one is a cut.
          if (upRes.complete) return;
          res.destroy();
          return;
        }
        const code = error.code;
        // Never connected, or a pooled socket the upstream had already closed (it closed
        // the idle connection, e.g. a graceful shutdown after a swap). In the second case
        // the request is replayed whatever its method: in development, losing no request
        // during a reload matters more than the rare duplicate when an instance dies
        // after reading a request on a reused connection.
        const neverSeen = (!connected && NEVER_CONNECTED.has(code ?? '')) || (upstream.reusedSocket && code === 'ECONNRESET');
        const retryable = neverSeen && (requestBytes === 0 || replayable);
        // Leave the client's body unread so a retry can still send it.
        req.off('data', countIn);
        req.unpipe(upstream);
        req.pause();
        if (retryable) {
          settle({ kind: 'failed', error, code, retryable, requestBytes, replay });
          return;
        }
        settle({ kind: 'failed', error, code, retryable, requestBytes, replay: [] });
      });
    });
  }

  /** Destroys pooled sockets. In-flight requests are cut. */
  close(): void {
    this.#agent.destroy();
  }
}

const WRITE_ERRORS_READ_PAST = new Set(['EPIPE', 'ECONNRESET']);
const readingPastWriteErrors = Symbol('readingPastWriteErrors');

/**
 * A server may answer before it has read a request's body (an early 401 or 413) and close
 * the connection: our next body write then fails with EPIPE or ECONNRESET, and node:http
 * would destroy the socket at once, dropping the answer already waiting in the kernel's
 * receive buffer (a 502 for the client, where curl straight to the service sees the
 * answer). So on an upstream socket such a write error is dropped, and the read side
 * decides: it yields the answer and then its end, or, with no answer, the reset or end
 * that fails the request as before. The socket is never reused (it is closing anyway).
 */
function readsPastWriteErrors(socket: Socket): void {
  const s = socket as Socket & { [readingPastWriteErrors]?: true; _write: WriteFn; _writev?: WritevFn };
  if (s[readingPastWriteErrors]) return;
  s[readingPastWriteErrors] = true;
  const filter = (cb: (error?: Error | null) => void) => (error?: Error | null) => {
    if (error && WRITE_ERRORS_READ_PAST.has((error as NodeJS.ErrnoException).code ?? '')) {
      const request = (s as unknown as { _httpMessage?: { shouldKeepAlive: boolean } })._httpMessage;
      if (request) request.shouldKeepAlive = false;
      cb();
      return;
    }
    cb(error);
  };
  const write = s._write;
  s._write = function (chunk, encoding, cb) {
    write.call(this, chunk, encoding, filter(cb));
  };
  const writev = s._writev;
  if (writev) {
    s._writev = function (chunks, cb) {
      writev.call(this, chunks, filter(cb));
    };
  }
}

type WriteFn = (chunk: unknown, encoding: BufferEncoding, cb: (error?: Error | null) => void) => void;
type WritevFn = (chunks: { chunk: unknown; encoding: BufferEncoding }[], cb: (error?: Error | null) => void) => void;
