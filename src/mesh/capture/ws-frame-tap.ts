import type { DevmodeEvent, Endpoint, EventOf } from '../../core/events/index.js';
import { OPCODE, type WsDirection, type WsFrameInfo, type WsFrameObserver } from '../../net/proxy/ws-frames.js';
import type { BodyCapture } from './body-capture.js';

export interface WsFrameTapOptions {
  /** the connection's id (that of its ws.opened) */
  id: string;
  caller: Endpoint;
  callee: string;
  capture: BodyCapture;
  publish: (event: DevmodeEvent) => void;
  /** frame events per second per connection; more are dropped and counted (default 20) */
  maxPerSecond?: number;
  /** payload bytes shown per frame (default 256) */
  previewBytes?: number;
}

const KINDS: Record<number, EventOf<'ws.frame'>['opcode']> = {
  [OPCODE.continuation]: 'continuation',
  [OPCODE.text]: 'text',
  [OPCODE.binary]: 'binary',
  [OPCODE.close]: 'close',
  [OPCODE.ping]: 'ping',
  [OPCODE.pong]: 'pong',
};

/**
 * Frames on demand for one proxied WebSocket connection: the observer the mesh hands to
 * proxyUpgrade. At each frame it asks the BodyCapture whether the edge is switched on
 * now (a Set-size check while capture is off, so an unwatched stream costs nothing more),
 * so switching capture on shows the frames of connections already open. Events wait until
 * `open()` (the edge publishes ws.opened first), and at most `maxPerSecond` frames per
 * connection are published: the rest are dropped before any byte is copied, and counted.
 */
export class WsFrameTap implements WsFrameObserver {
  readonly #options: WsFrameTapOptions;
  readonly #max: number;
  readonly #previewBytes: number;
  #callee: Endpoint;
  #windowStart = 0;
  #inWindow = 0;
  #droppedSinceLast = 0;
  #droppedTotal = 0;
  /** events from before open(), at most one window's worth */
  #pending: EventOf<'ws.frame'>[] | null = [];

  constructor(options: WsFrameTapOptions) {
    this.#options = options;
    this.#max = options.maxPerSecond ?? 20;
    this.#previewBytes = options.previewBytes ?? 256;
    this.#callee = { service: options.callee, instance: null };
  }

  /** Frame events dropped by the rate limit over the connection's life. */
  get dropped(): number {
    return this.#droppedTotal;
  }

  /** The connection is reported open (to `calleeInstance`): publish what waited, then as frames come. */
  open(calleeInstance: number | null): void {
    this.#callee = { service: this.#options.callee, instance: calleeInstance };
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const event of pending) this.#publish({ ...event, callee: this.#callee });
  }

  begin(_direction: WsDirection, _opcode: number, _size: number): number {
    const o = this.#options;
    if (!o.capture.wants(o.caller.service, o.callee)) return -1;
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (this.#inWindow >= this.#max) {
      this.#droppedSinceLast++;
      this.#droppedTotal++;
      return -1;
    }
    this.#inWindow++;
    return this.#previewBytes;
  }

  frame(info: WsFrameInfo): void {
    const close = info.opcode === OPCODE.close;
    const shown = close ? info.preview.subarray(Math.min(2, info.preview.length)) : info.preview;
    const text = close || info.messageOpcode === OPCODE.text ? !info.compressed : false;
    const truncated = info.preview.length < info.size;
    const event: EventOf<'ws.frame'> = {
      type: 'ws.frame',
      id: this.#options.id,
      caller: this.#options.caller,
      callee: this.#callee,
      direction: info.direction,
      opcode: KINDS[info.opcode] ?? 'binary',
      fin: info.fin,
      size: info.size,
      preview: text ? utf8(shown, truncated) : shown.toString('hex'),
      encoding: text ? 'utf8' : 'hex',
      truncated,
      ...(info.compressed ? { compressed: true } : {}),
      ...(close && info.preview.length >= 2 ? { code: info.preview.readUInt16BE(0) } : {}),
      dropped: this.#droppedSinceLast,
      ts: Date.now(),
    };
    this.#droppedSinceLast = 0;
    if (this.#pending !== null) this.#pending.push(event);
    else this.#publish(event);
  }

  #publish(event: DevmodeEvent): void {
    try {
      this.#options.publish(event);
    } catch {
      // A failing view must not break the stream.
    }
  }
}

/** UTF-8 text of a preview; a character cut by the preview's end is left out, not mangled. */
function utf8(bytes: Buffer, truncated: boolean): string {
  const text = bytes.toString('utf8');
  return truncated && text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
}
