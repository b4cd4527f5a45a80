import type { Socket } from 'node:net';
import { rawAnswer } from '../json-response.js';
import type { LeanClient, LeanRequest } from './forward.js';
import { headEnd, MAX_HEAD_BYTES, readRequestHead, type RequestHead } from './head.js';

/** What serves the requests of a lean connection (a mesh edge, the gateway). */
export interface LeanHandler<C> {
  /**
   * What serving this request takes (the gateway's route), or null: node:http serves the
   * connection from this request on (a fault or capture applies, no route, ...)
   */
  take(head: RequestHead): C | null;
  /** serves one request; settles when its answer is complete or the exchange ended */
  serve(request: LeanRequest, client: LeanConnection, taken: C): Promise<void>;
  /** takes over the connection, with the bytes already read from it, for node:http */
  handOff(socket: Socket, buffered: Buffer): void;
}

export interface LeanConnectionOptions {
  /** a connection idle this long is closed (between requests) */
  idleMs: number;
  /**
   * 'wait' for the rest of a request that came in part; 'hand-off' gives the connection to
   * node:http at once, whose request timeouts then apply (the gateway: 408 for a client
   * too slow); a client on this machine sends a request whole.
   */
  partial: 'wait' | 'hand-off';
}

/** Larger bodies go to node:http, which streams them (the lean path reads a body whole). */
export const MAX_LEAN_BODY = 64 * 1024;
/** Pipelined requests read ahead of the one being served, at most. */
const MAX_READ_AHEAD = 1024 * 1024;

/**
 * One client connection on the lean path: reads request heads and bodies straight from the
 * socket and hands each whole request to the handler, one at a time (pipelined requests
 * wait, as HTTP/1.1 requires answers in order). Keep-alive until the client or an answer
 * says close, or `idleMs` pass without a request. The first request the lean path does not
 * take (see head.ts, MAX_LEAN_BODY, LeanHandler.accepts) passes the connection to node:http
 * for good, with the bytes already read.
 */
export class LeanConnection implements LeanClient {
  current: { clientGone(): void } | null = null;
  readonly #socket: Socket;
  readonly #handler: LeanHandler<unknown>;
  readonly #waitForParts: boolean;
  #buffer: Buffer | undefined;
  #busy = false;
  #closeAfter = false;

  constructor(socket: Socket, handler: LeanHandler<unknown>, options: LeanConnectionOptions) {
    this.#socket = socket;
    this.#handler = handler;
    this.#waitForParts = options.partial === 'wait';
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('close', this.#onClose);
    socket.on('end', this.#onEnd);
    socket.on('error', ignore);
    socket.setTimeout(options.idleMs, this.#onTimeout);
  }

  get socket(): Socket {
    return this.#socket;
  }

  write(chunk: Buffer): boolean {
    return this.#socket.write(chunk);
  }

  onDrain(resume: () => void): void {
    this.#socket.once('drain', resume);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** The answer being relayed says the connection ends with it. */
  closeAfterAnswer(): void {
    this.#closeAfter = true;
  }

  /** devmode's own JSON answer (503, 502); returns the body's bytes. */
  answerJson(status: number, body: unknown): number {
    return this.answer(status, 'application/json; charset=utf-8', JSON.stringify(body) + '\n', {}, true);
  }

  /** devmode's own answer of any type; returns the body's bytes written. */
  answer(status: number, contentType: string, body: string, headers: Readonly<Record<string, string>>, withBody: boolean): number {
    const answer = rawAnswer(status, contentType, body, headers, this.#closeAfter, withBody);
    this.#socket.write(answer.text);
    return answer.bodyBytes;
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
    if (!this.#busy) this.#next();
    else if (this.#buffer.length > MAX_READ_AHEAD) this.#socket.pause();
  };

  #next(): void {
    const buffer = this.#buffer;
    if (this.#busy || !buffer) return;
    const end = headEnd(buffer);
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES || !this.#waitForParts) this.#handOff();
      return;
    }
    // A head over node:http's limit goes to node:http, which answers 431 as always.
    if (end > MAX_HEAD_BYTES) return this.#handOff();
    const head = readRequestHead(buffer, end);
    if (head.unusual !== undefined || head.contentLength > MAX_LEAN_BODY) return this.#handOff();
    const total = end + head.contentLength;
    if (buffer.length < total && !this.#waitForParts) return this.#handOff();
    const taken = this.#handler.take(head);
    if (taken === null) return this.#handOff();
    if (buffer.length < total) return;
    this.#buffer = total < buffer.length ? buffer.subarray(total) : undefined;
    this.#busy = true;
    if (head.close) this.#closeAfter = true;
    this.#handler.serve({ head, body: buffer.subarray(end, total) }, this, taken).then(this.#served, this.#failed);
  }

  readonly #served = (): void => {
    this.#busy = false;
    const socket = this.#socket;
    if (socket.destroyed) return;
    if (this.#closeAfter) {
      socket.end();
      return;
    }
    if (socket.isPaused()) socket.resume();
    this.#next();
  };

  readonly #failed = (): void => {
    this.#socket.destroy();
  };

  readonly #onClose = (): void => {
    this.current?.clientGone();
  };

  /**
   * The client ended its side (a server socket of node:http allows half-open ones): as
   * node:http does by default, the call in progress is abandoned and the connection ends.
   */
  readonly #onEnd = (): void => {
    this.current?.clientGone();
    this.#buffer = undefined;
    if (this.#socket.writable) this.#socket.end();
  };

  readonly #onTimeout = (): void => {
    if (!this.#busy) this.#socket.destroy();
  };

  #handOff(): void {
    const socket = this.#socket;
    socket.off('data', this.#onData);
    socket.off('close', this.#onClose);
    socket.off('end', this.#onEnd);
    socket.off('error', ignore);
    socket.setTimeout(0);
    const buffered = this.#buffer ?? Buffer.alloc(0);
    this.#buffer = undefined;
    this.#handler.handOff(socket, buffered);
  }
}

function ignore(): void {}
