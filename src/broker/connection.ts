/**
 * One client connection to the embedded broker: framing, strict in-order handling and
 * batched response writes.
 *
 * Requests are handled one at a time in arrival order (Kafka's rule, kafka-protocol.md §1.1),
 * so a parked Fetch or a held JoinGroup blocks only its own connection. Synchronous handlers
 * (Produce, Metadata, ...) run back to back for every frame of one `data` event with the
 * socket corked, so pipelined requests cost one writev. Anything the connection cannot
 * answer (a malformed frame, an unknown API, a version outside the implemented range) closes
 * this connection only, as Kafka does, and is reported through ClientProblems (one bounded
 * `broker.client.error` event naming the client, the API and version, and what to do).
 */
import type { Socket } from 'node:net';
import type { BrokerEvent } from '../core/events/index.js';
import type { ApiHandler, BrokerContext, RequestContext } from './apis/api.js';
import { ProtocolError } from './protocol/protocol-error.js';
import { Reader } from './protocol/reader.js';
import { Writer } from './protocol/writer.js';
import { ErrorCode } from './protocol/error-codes.js';
import type { ConnectionClient } from './attribution/connection-client.js';
import { GROUP_MEMBER_APIS, peekGroupId } from './attribution/group-peek.js';
import { ClientProblems, type ClientProblem } from './attribution/client-problems.js';
import { framingProblem, unsupportedApi, unsupportedVersion } from './attribution/problem-texts.js';

const API_VERSIONS_KEY = 18;
/** Stop reading from a client that pipelines more than this many unanswered bytes. */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** The smallest request: api key, version, correlation id and a null client id (2+2+4+2). */
const MIN_REQUEST_BYTES = 10;

export interface ConnectionOptions {
  socket: Socket;
  id: number;
  broker: BrokerContext;
  apis: ReadonlyMap<number, ApiHandler>;
  maxRequestBytes: number;
  publish: (e: BrokerEvent) => void;
  onClose: (c: Connection) => void;
  /** what the broker learns about the client (owner, groups); absent: nothing is tracked */
  client?: ConnectionClient;
  /** where client problems go (shared by the broker's connections, so it can bound them); default: a private one over `publish` */
  problems?: ClientProblems;
}

/** A Kafka client's TCP connection, handled in order. */
export class Connection {
  readonly id: number;
  readonly remote: string;
  readonly #socket: Socket;
  readonly #apis: ReadonlyMap<number, ApiHandler>;
  readonly #maxRequestBytes: number;
  readonly #problems: ClientProblems;
  readonly #abort = new AbortController();
  readonly #ctx: {
    broker: BrokerContext;
    clientId: string | null;
    remote: string;
    connectionId: number;
    signal: AbortSignal;
    client?: ConnectionClient;
    problem: (p: Omit<ClientProblem, 'closed'>) => void;
  };
  readonly #client: ConnectionClient | undefined;

  // framing state: a size prefix split across chunks, or a frame being filled
  readonly #head = Buffer.alloc(4);
  #headLen = 0;
  #partial: Buffer | null = null;
  #partialFilled = 0;

  // request queue (index-based to avoid O(n) shifts when a client pipelines a lot)
  #queue: Buffer[] = [];
  #queueAt = 0;
  #queuedBytes = 0;
  #busy = false;
  #paused = false;
  #closed = false;
  #requests = 0;

  constructor(options: ConnectionOptions) {
    this.id = options.id;
    this.#socket = options.socket;
    this.#apis = options.apis;
    this.#maxRequestBytes = options.maxRequestBytes;
    this.#problems = options.problems ?? new ClientProblems(options.publish);
    this.remote = `${options.socket.remoteAddress ?? '?'}:${options.socket.remotePort ?? 0}`;
    this.#ctx = {
      broker: options.broker,
      clientId: null,
      remote: this.remote,
      connectionId: this.id,
      signal: this.#abort.signal,
      problem: (p) => this.#report({ ...p, closed: false }),
    };
    this.#client = options.client;
    if (options.client) this.#ctx.client = options.client;
    const socket = options.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {
      // ECONNRESET and friends: the client went away; 'close' follows.
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#queue = [];
      this.#abort.abort();
      options.onClose(this);
    });
  }

  /** The client id of the latest request (null until one arrives or when the client sends none). */
  get clientId(): string | null {
    return this.#ctx.clientId;
  }
  /** What the broker learned about the client (owner, groups), when tracked. */
  get client(): ConnectionClient | undefined {
    return this.#client;
  }
  /** Requests handled so far. */
  get requests(): number {
    return this.#requests;
  }

  /** Closes the connection now (broker shutdown). */
  destroy(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    let off = 0;
    const len = chunk.length;
    while (off < len) {
      const partial = this.#partial;
      if (partial) {
        const n = Math.min(partial.length - this.#partialFilled, len - off);
        chunk.copy(partial, this.#partialFilled, off, off + n);
        this.#partialFilled += n;
        off += n;
        if (this.#partialFilled === partial.length) {
          this.#partial = null;
          this.#enqueue(partial);
        }
        continue;
      }
      let size: number;
      if (this.#headLen === 0 && len - off >= 4) {
        size = chunk.readInt32BE(off);
        off += 4;
      } else {
        const n = Math.min(4 - this.#headLen, len - off);
        chunk.copy(this.#head, this.#headLen, off, off + n);
        this.#headLen += n;
        off += n;
        if (this.#headLen < 4) break;
        this.#headLen = 0;
        size = this.#head.readInt32BE(0);
      }
      if (size < MIN_REQUEST_BYTES || size > this.#maxRequestBytes) {
        this.#fail(framingProblem(size, this.#maxRequestBytes));
        return;
      }
      if (len - off >= size) {
        this.#enqueue(chunk.subarray(off, off + size));
        off += size;
      } else {
        this.#partial = Buffer.allocUnsafe(size);
        this.#partialFilled = 0;
      }
    }
    this.#pump();
  }

  #enqueue(frame: Buffer): void {
    this.#queue.push(frame);
    this.#queuedBytes += frame.length;
    if (this.#queuedBytes > MAX_QUEUED_BYTES && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** Handles queued frames in order until one is asynchronous or the socket needs draining. */
  #pump(): void {
    if (this.#busy || this.#closed) return;
    const socket = this.#socket;
    socket.cork();
    try {
      while (this.#queueAt < this.#queue.length && !this.#closed) {
        if (socket.writableNeedDrain) {
          this.#busy = true;
          socket.once('drain', () => {
            this.#busy = false;
            this.#pump();
          });
          break;
        }
        const frame = this.#queue[this.#queueAt]!;
        this.#queue[this.#queueAt++] = EMPTY;
        this.#queuedBytes -= frame.length;
        const pending = this.#dispatch(frame);
        if (pending) {
          this.#busy = true;
          void pending.then(() => {
            this.#busy = false;
            this.#pump();
          });
          break;
        }
      }
      if (this.#queueAt === this.#queue.length) {
        this.#queue = [];
        this.#queueAt = 0;
      }
    } finally {
      socket.uncork();
    }
    if (this.#paused && this.#queuedBytes < MAX_QUEUED_BYTES / 2 && !this.#closed) {
      this.#paused = false;
      socket.resume();
    }
  }

  /** Handles one frame; returns a promise only when the handler is asynchronous. */
  #dispatch(frame: Buffer): Promise<void> | undefined {
    this.#requests++;
    const r = new Reader(frame);
    let key: number;
    let version: number;
    let correlationId: number;
    try {
      key = r.int16();
      version = r.int16();
      correlationId = r.int32();
      this.#ctx.clientId = r.nullableString();
    } catch {
      this.#fail({ kind: 'malformed', message: 'a request header did not decode', hint: 'Is this a Kafka client? A client bug may also cause it.' });
      return undefined;
    }
    const api = this.#apis.get(key);
    if (!api) {
      this.#fail(unsupportedApi(key, version));
      return undefined;
    }
    const minImplemented = api.minImplemented ?? api.minVersion;
    if (version < minImplemented || version > api.maxVersion) {
      if (key === API_VERSIONS_KEY) {
        // KIP-511: answer in v0 format with our own ApiVersions range so the client retries lower.
        const w = new Writer(32).int16(ErrorCode.UNSUPPORTED_VERSION).int32(1).int16(key).int16(api.minVersion).int16(api.maxVersion);
        this.#respond(correlationId, false, w);
        return undefined;
      }
      this.#fail(unsupportedVersion(api.name, version, minImplemented, api.maxVersion));
      return undefined;
    }
    const flex = version >= api.firstFlexibleVersion;
    const client = this.#client;
    if (client) {
      client.clientId = this.#ctx.clientId;
      const joins = GROUP_MEMBER_APIS.get(key);
      if (joins !== undefined) {
        const group = peekGroupId(frame, flex);
        if (group) client.noteGroup(group, joins);
      }
    }
    // ApiVersions responses always use response header v0, even when the request is flexible (KIP-511).
    const flexHeader = flex && key !== API_VERSIONS_KEY;
    let result: Writer | null | Promise<Writer | null>;
    try {
      if (flex) r.taggedFields();
      result = api.handle(r, version, this.#ctx as RequestContext);
    } catch (error) {
      this.#handlerFailed(error, api, version);
      return undefined;
    }
    if (result instanceof Promise) {
      return result.then(
        (w) => {
          if (w && !this.#closed) {
            this.#socket.cork();
            this.#respond(correlationId, flexHeader, w);
            this.#socket.uncork();
          }
        },
        (error: unknown) => this.#handlerFailed(error, api, version),
      );
    }
    if (result) this.#respond(correlationId, flexHeader, result);
    return undefined;
  }

  #respond(correlationId: number, flexHeader: boolean, body: Writer): void {
    if (this.#closed) return;
    const parts = body.toBuffers();
    const headerLen = flexHeader ? 9 : 8;
    const header = Buffer.allocUnsafe(headerLen);
    header.writeInt32BE(headerLen - 4 + body.length, 0);
    header.writeInt32BE(correlationId, 4);
    if (flexHeader) header[8] = 0;
    const socket = this.#socket;
    socket.write(header);
    for (const p of parts) socket.write(p);
  }

  #handlerFailed(error: unknown, api: ApiHandler, version: number): void {
    const why = error instanceof Error ? error.message : String(error);
    if (error instanceof ProtocolError) {
      this.#fail({
        kind: 'malformed',
        api: api.name,
        version,
        message: `a ${api.name} v${version} request did not decode: ${why}`,
        hint: 'A client bug, or a request this broker misreads: please report it with the client library and its version.',
      });
    } else {
      this.#fail({
        kind: 'handler-failed',
        api: api.name,
        version,
        message: `a ${api.name} v${version} request failed: ${why}`,
        hint: 'The client gets no answer and will retry; if it keeps happening, report it with the client library and its version.',
      });
    }
  }

  #report(problem: ClientProblem): void {
    this.#problems.report({ remote: this.remote, clientId: this.#ctx.clientId, client: this.#client }, problem);
  }

  #fail(problem: Omit<ClientProblem, 'closed'>): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#report({ ...problem, closed: true });
    // end() lets responses already written reach the client before the FIN; destroy after a
    // grace period so a client that never reads cannot keep the socket open.
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }
}

const EMPTY = Buffer.alloc(0);
