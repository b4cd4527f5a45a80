/**
 * Incremental RFC 6455 frame-header parser for WebSocket accounting in the proxy.
 *
 * It reads the bytes that flow past (never copies or holds the stream): at each frame it
 * decodes the header (FIN/RSV/opcode byte; mask bit and 7-, 16- or 64-bit length; mask
 * key), then skips the payload by count, whatever the chunk boundaries. Only two kinds of
 * payload bytes are ever copied: the close frame's first two (its status code) and, when
 * an observer asks for a frame, a bounded preview of that frame.
 *
 * Counting: every text, binary and continuation frame is one data *frame*; a data frame
 * with FIN set ends one *message* (so a message split in three frames is 3 frames,
 * 1 message). Control frames (close, ping, pong) are neither.
 *
 * Garbage (an unknown opcode, a fragmented or oversized control frame, a continuation
 * with no message, a wrong mask bit for the direction, RSV2/RSV3) stops the parser for
 * good: the counts so far stay, `failure` says why, and the connection itself is not
 * touched. After a close frame the parser stops too (nothing may follow it).
 */

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** Which way the bytes flow: `in` from the client (the caller), `out` from the upstream. */
export type WsDirection = 'in' | 'out';

/** One frame as an observer sees it. */
export interface WsFrameInfo {
  direction: WsDirection;
  opcode: number;
  /** for a continuation frame, the opcode of the frame that started its message */
  messageOpcode: number;
  fin: boolean;
  /** RSV1 set: the payload is compressed (permessage-deflate) */
  compressed: boolean;
  /** payload length in bytes */
  size: number;
  /** the start of the payload, unmasked; at most the length the observer asked for */
  preview: Buffer;
}

/**
 * Asks for frames (frames on demand). `begin` runs at each frame's header and should be
 * cheap: it returns how many payload bytes to preview, or -1 to let the frame pass
 * unobserved. `frame` runs once that preview is complete (or the payload ended).
 */
export interface WsFrameObserver {
  begin(direction: WsDirection, opcode: number, size: number): number;
  frame(info: WsFrameInfo): void;
}

export interface WsFrameParserOptions {
  direction: WsDirection;
  /** whether frames this way must be masked (client to server: true); undefined: either */
  masked?: boolean;
  observer?: WsFrameObserver;
  /** called once, with the status code of the close frame (1005 when it has none) */
  onClose?: (code: number) => void;
}

const HEADER = 0;
const PAYLOAD = 1;
const STOPPED = 2;
const MAX_HEADER = 14;
const NO_STATUS = 1005;

/** Frame accounting for one direction of one connection. Feed it every chunk, in order. */
export class WsFrameParser {
  /** data frames (text, binary, continuation) */
  frames = 0;
  /** complete data messages (data frames with FIN) */
  messages = 0;
  /** payload bytes of data frames */
  dataBytes = 0;
  /** close, ping and pong frames */
  controlFrames = 0;
  /** the close frame's status code (1005: none given); null until one is seen */
  closeCode: number | null = null;
  /** why parsing stopped on garbage; null while all is well */
  failure: string | null = null;

  readonly #direction: WsDirection;
  readonly #masked: boolean | undefined;
  readonly #observer: WsFrameObserver | undefined;
  readonly #onClose: ((code: number) => void) | undefined;
  #state = HEADER;
  /** a header split across chunks, gathered here */
  readonly #partial = Buffer.allocUnsafe(MAX_HEADER);
  #partialLength = 0;
  /** payload bytes of the current frame still to pass */
  #remaining = 0;
  /** opcode of the message in progress (0: none) */
  #messageOpcode = 0;
  // The frame being passed, kept only while a preview (or close code) is being read.
  #opcode = 0;
  #messageOpcodeOfFrame = 0;
  #fin = false;
  #compressed = false;
  #size = 0;
  #mask: number[] | null = null;
  #payloadOffset = 0;
  #preview: Buffer | null = null;
  #previewLength = 0;
  #observed = false;

  constructor(options: WsFrameParserOptions) {
    this.#direction = options.direction;
    this.#masked = options.masked;
    this.#observer = options.observer;
    this.#onClose = options.onClose;
  }

  /** Whether it still parses (no garbage, no close frame yet). */
  get active(): boolean {
    return this.#state !== STOPPED;
  }

  /** Accounts for the next chunk of the stream. Never throws; never keeps `chunk`. */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const state = this.#state;
      if (state === PAYLOAD) {
        const left = end - pos;
        const n = this.#remaining < left ? this.#remaining : left;
        if (this.#preview !== null) this.#copy(chunk, pos, n);
        pos += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#endPayload();
        continue;
      }
      if (state === STOPPED) return;
      if (this.#partialLength === 0) {
        // Fast path: the whole header is in this chunk.
        const need = end - pos >= 2 ? headerLength(chunk[pos + 1]!) : MAX_HEADER + 1;
        if (need <= end - pos) {
          this.#header(chunk, pos);
          pos += need;
          continue;
        }
      }
      pos = this.#gather(chunk, pos);
    }
  }

  /** Collects a split header byte by byte; returns the new position. */
  #gather(chunk: Uint8Array, pos: number): number {
    const partial = this.#partial;
    while (pos < chunk.length) {
      partial[this.#partialLength++] = chunk[pos++]!;
      if (this.#partialLength >= 2 && this.#partialLength === headerLength(partial[1]!)) {
        this.#partialLength = 0;
        this.#header(partial, 0);
        return pos;
      }
    }
    return pos;
  }

  /** Decodes one complete header at `at` and moves to its payload. */
  #header(buf: Uint8Array, at: number): void {
    const b0 = buf[at]!;
    const b1 = buf[at + 1]!;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const masked = (b1 & 0x80) !== 0;
    let size = b1 & 0x7f;
    let p = at + 2;
    if (size === 126) {
      size = (buf[p]! << 8) | buf[p + 1]!;
      p += 2;
    } else if (size === 127) {
      const high = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      // 2^53 and more cannot be counted exactly (and the RFC forbids the top bit).
      if (high > 0x1fffff) return this.#fail('64-bit payload length too large');
      size = high * 0x1_0000_0000 + (((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0);
      p += 8;
    }
    if ((b0 & 0x30) !== 0) return this.#fail('RSV2/RSV3 bit set');
    if (this.#masked !== undefined && masked !== this.#masked) return this.#fail(masked ? 'masked frame from the server' : 'unmasked frame from the client');
    if (opcode >= 8) {
      if (opcode > 10) return this.#fail(`unknown control opcode ${opcode}`);
      if (!fin || size > 125) return this.#fail('fragmented or oversized control frame');
      this.controlFrames++;
    } else {
      if (opcode > 2) return this.#fail(`unknown data opcode ${opcode}`);
      if (opcode === 0) {
        if (this.#messageOpcode === 0) return this.#fail('continuation frame outside a message');
      } else {
        if (this.#messageOpcode !== 0) return this.#fail('new message before the previous one ended');
        this.#messageOpcode = opcode;
      }
      this.frames++;
      this.dataBytes += size;
    }
    const messageOpcode = opcode === 0 ? this.#messageOpcode : opcode;
    if (fin && opcode < 8) {
      this.messages++;
      this.#messageOpcode = 0;
    }

    const observer = this.#observer;
    const wanted = observer === undefined ? -1 : observer.begin(this.#direction, opcode, size);
    const isClose = opcode === OPCODE.close;
    this.#opcode = opcode;
    if (wanted < 0 && !isClose) {
      // The common case: skip the payload by count.
      this.#remaining = size;
      this.#state = size > 0 ? PAYLOAD : HEADER;
      return;
    }
    this.#messageOpcodeOfFrame = messageOpcode;
    this.#fin = fin;
    this.#compressed = (b0 & 0x40) !== 0;
    this.#size = size;
    this.#observed = wanted >= 0;
    this.#mask = masked ? [buf[p]!, buf[p + 1]!, buf[p + 2]!, buf[p + 3]!] : null;
    this.#payloadOffset = 0;
    const keep = Math.min(size, Math.max(wanted, isClose ? 2 : 0));
    this.#preview = Buffer.allocUnsafe(keep);
    this.#previewLength = 0;
    this.#remaining = size;
    if (keep === 0) this.#finishPreview();
    if (size > 0) this.#state = PAYLOAD;
    else this.#endPayload();
  }

  /** Copies (and unmasks) payload bytes into the preview, up to its length. */
  #copy(chunk: Uint8Array, pos: number, n: number): void {
    const preview = this.#preview!;
    const room = preview.length - this.#previewLength;
    const take = n < room ? n : room;
    const mask = this.#mask;
    let offset = this.#payloadOffset;
    for (let i = 0; i < take; i++, offset++) {
      const byte = chunk[pos + i]!;
      preview[this.#previewLength++] = mask === null ? byte : byte ^ mask[offset & 3]!;
    }
    this.#payloadOffset += n;
    if (this.#previewLength === preview.length) this.#finishPreview();
  }

  /** The preview is complete: read the close code, tell the observer, stop copying. */
  #finishPreview(): void {
    const preview = this.#preview;
    if (preview === null) return;
    this.#preview = null;
    if (this.#opcode === OPCODE.close && this.closeCode === null) {
      this.closeCode = this.#size >= 2 ? preview.readUInt16BE(0) : NO_STATUS;
      this.#onClose?.(this.closeCode);
    }
    if (this.#observed) {
      this.#observed = false;
      this.#observer!.frame({
        direction: this.#direction,
        opcode: this.#opcode,
        messageOpcode: this.#messageOpcodeOfFrame,
        fin: this.#fin,
        compressed: this.#compressed,
        size: this.#size,
        preview,
      });
    }
  }

  #endPayload(): void {
    if (this.#preview !== null) this.#finishPreview();
    // Nothing may follow a close frame: stop reading this way.
    this.#state = this.#opcode === OPCODE.close ? STOPPED : HEADER;
  }

  #fail(why: string): void {
    this.failure = why;
    this.#state = STOPPED;
    this.#preview = null;
  }
}

/** Bytes in a header whose second byte is b1 (mask key included). */
function headerLength(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}
