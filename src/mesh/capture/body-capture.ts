import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactHeaders } from '../redact.js';

/** One exchange captured with its (redacted) headers and (bounded) bodies. */
export interface CapturedExchange {
  id: string;
  caller: string;
  callee: string;
  method: string;
  path: string;
  /** 0 when no response was sent (aborted, dropped, client gone) */
  status: number;
  requestHeaders: Record<string, string | string[]>;
  responseHeaders: Record<string, string | string[]>;
  /** UTF-8 text, or base64 when the bytes are not valid UTF-8 (see `encoding`) */
  requestBody: string;
  responseBody: string;
  encoding: { request: 'utf8' | 'base64'; response: 'utf8' | 'base64' };
  /** the body was longer than the capture limit; only its start is kept */
  truncated: { request: boolean; response: boolean };
  ts: number;
}

export interface BodyCaptureOptions {
  /** bytes kept per body (default 64 KiB) */
  maxBodyBytes?: number;
  /** captured exchanges kept, oldest dropped first (default 200) */
  capacity?: number;
}

/** Which calls to capture: a caller and a callee, each a service name or '*'. */
export interface CaptureTarget {
  caller?: string;
  callee?: string;
}

/** The capture of one exchange in progress: call `finish` once it ended. */
export interface CaptureTap {
  finish(status: number): void;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Body capture on demand. Off by default, and then it costs a call one Set-size check.
 * Switched on per edge (caller -> callee, '*' for any) by the admin API; the mesh then taps
 * the request and response of matching calls without changing their flow (it copies what
 * passes, up to the limit) and keeps the last `capacity` exchanges in a ring. Headers are
 * redacted before they are stored.
 */
export class BodyCapture {
  readonly #maxBytes: number;
  readonly #capacity: number;
  readonly #switches = new Set<string>();
  readonly #ring: CapturedExchange[] = [];
  #next = 0;

  constructor(options: BodyCaptureOptions = {}) {
    this.#maxBytes = options.maxBodyBytes ?? 64 * 1024;
    this.#capacity = options.capacity ?? 200;
  }

  enable(target: CaptureTarget = {}): void {
    this.#switches.add(key(target));
  }

  /** Turns one switch off; with no target, every switch. */
  disable(target?: CaptureTarget): void {
    if (target === undefined) this.#switches.clear();
    else this.#switches.delete(key(target));
  }

  /** The switches on, for views. */
  enabled(): { caller: string; callee: string }[] {
    return [...this.#switches].map((k) => {
      const [caller = '*', callee = '*'] = k.split('\u0000');
      return { caller, callee };
    });
  }

  /** Whether calls from caller to callee are captured now. */
  wants(caller: string, callee: string): boolean {
    const s = this.#switches;
    if (s.size === 0) return false;
    return s.has(`${caller}\u0000${callee}`) || s.has(`${caller}\u0000*`) || s.has(`*\u0000${callee}`) || s.has('*\u0000*');
  }

  /** Captured exchanges, oldest first. */
  list(): CapturedExchange[] {
    const n = this.#ring.length;
    if (n < this.#capacity) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  /** Starts copying what passes through req and res. Call before anything is read or written. */
  tap(meta: { id: string; caller: string; callee: string }, req: IncomingMessage, res: ServerResponse): CaptureTap {
    const max = this.#maxBytes;
    const request = new Bounded(max);
    const response = new Bounded(max);
    let responseHeaders: Record<string, string | string[] | number | undefined> = {};

    // Copy the request body as it is emitted: wrapping emit (not adding a 'data' listener)
    // leaves the stream's flow exactly as the proxy drives it.
    const emit = req.emit;
    req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'data') request.add(args[0]);
      return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
    } as typeof req.emit;

    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      const last = args[args.length - 1];
      if (typeof last === 'object' && last !== null && !Array.isArray(last)) responseHeaders = { ...(last as Record<string, string>) };
      return writeHead.apply(this, args as Parameters<typeof writeHead>);
    } as typeof res.writeHead;
    const write = res.write;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      response.add(chunk);
      return write.apply(this, [chunk, ...rest] as Parameters<typeof write>);
    } as typeof res.write;
    const end = res.end;
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'function') response.add(chunk);
      return end.apply(this, [chunk, ...rest] as Parameters<typeof end>);
    } as typeof res.end;

    let done = false;
    return {
      finish: (status) => {
        if (done) return;
        done = true;
        const req_ = request.text();
        const res_ = response.text();
        this.#push({
          id: meta.id,
          caller: meta.caller,
          callee: meta.callee,
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status,
          requestHeaders: redactHeaders(req.headers),
          responseHeaders: redactHeaders({ ...res.getHeaders(), ...responseHeaders }),
          requestBody: req_.body,
          responseBody: res_.body,
          encoding: { request: req_.encoding, response: res_.encoding },
          truncated: { request: request.truncated, response: response.truncated },
          ts: Date.now(),
        });
      },
    };
  }

  #push(exchange: CapturedExchange): void {
    if (this.#ring.length < this.#capacity) this.#ring.push(exchange);
    else this.#ring[this.#next] = exchange;
    this.#next = (this.#next + 1) % this.#capacity;
  }
}

function key(target: CaptureTarget): string {
  return `${target.caller ?? '*'}\u0000${target.callee ?? '*'}`;
}

/** Bytes kept up to a limit. */
class Bounded {
  readonly #max: number;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;

  constructor(max: number) {
    this.#max = max;
  }

  add(chunk: unknown): void {
    if (chunk === undefined || chunk === null) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk instanceof Uint8Array ? chunk : null;
    if (!buf || buf.length === 0) return;
    const room = this.#max - this.#size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = buf.length > room ? buf.subarray(0, room) : buf;
    if (part.length < buf.length) this.truncated = true;
    this.#chunks.push(Buffer.from(part)); // a copy: the stream may reuse its buffer
    this.#size += part.length;
  }

  text(): { body: string; encoding: 'utf8' | 'base64' } {
    const all = Buffer.concat(this.#chunks);
    try {
      return { body: UTF8.decode(all), encoding: 'utf8' };
    } catch {
      return { body: all.toString('base64'), encoding: 'base64' };
    }
  }
}
