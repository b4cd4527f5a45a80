import type { Socket } from 'node:net';
import { jsonAnswer } from '../json-response.js';
import type { LeanClient, LeanRequest } from './forward.js';
import { headEnd, MAX_HEAD_BYTES, readRequestHead, type RequestHead } from './head.js';

/** What serves the requests of a lean connection (the mesh edge). */
export interface LeanHandler {
  /** false: node:http serves the connection from this request on (faults, capture) */
  accepts(head: RequestHead): boolean;
  /** serves one request; settles when its answer is complete or the exchange ended */
  serve(request: LeanRequest, client: LeanConnection): Promise<void>;
  /** takes over the connection, with the bytes already read from it, for node:http */
  handOff(socket: Socket, buffered: Buffer): void;
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
  readonly #handler: LeanHandler;
  #buffer: Buffer | undefined;
  #busy = false;
  #closeAfter = false;

  constructor(socket: Socket, handler: LeanHandler, idleMs: number) {
    this.#socket = socket;
    this.#handler = handler;
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('close', this.#onClose);
    socket.on('error', ignore);
    socket.setTimeout(idleMs, this.#onTimeout);
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
  answerJson(status: number, body: unknown, close: boolean): number {
    const answer = jsonAnswer(status, body, close || this.#closeAfter);
    if (close) this.#closeAfter = true;
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
      if (buffer.length > MAX_HEAD_BYTES) this.#handOff();
      return;
    }
    const head = readRequestHead(buffer, end);
    if (head.unusual !== undefined || head.contentLength > MAX_LEAN_BODY || !this.#handler.accepts(head)) return this.#handOff();
    const total = end + head.contentLength;
    if (buffer.length < total) return;
    this.#buffer = total < buffer.length ? buffer.subarray(total) : undefined;
    this.#busy = true;
    if (head.close) this.#closeAfter = true;
    this.#handler.serve({ head, body: buffer.subarray(end, total) }, this).then(this.#served, this.#failed);
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

  readonly #onTimeout = (): void => {
    if (!this.#busy) this.#socket.destroy();
  };

  #handOff(): void {
    const socket = this.#socket;
    socket.off('data', this.#onData);
    socket.off('close', this.#onClose);
    socket.off('error', ignore);
    socket.setTimeout(0);
    const buffered = this.#buffer ?? Buffer.alloc(0);
    this.#buffer = undefined;
    this.#handler.handOff(socket, buffered);
  }
}

function ignore(): void {}
