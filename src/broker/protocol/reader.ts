import { ProtocolError } from './protocol-error.js';

export { ProtocolError };

/**
 * Reads Kafka protocol primitives from a Buffer, big-endian, bounds-checked: every read
 * past `end` throws ProtocolError instead of returning garbage or a RangeError.
 *
 * Classic (int16/int32 length) and compact (unsigned varint length + 1, KIP-482) forms are
 * both here; the `flex` variants (`str(flex)`, `arr(flex, fn)`, `tags(flex)`) pick one by
 * the request's version so a handler reads both families with one code path.
 * Byte fields are returned as views into the request buffer (no copy).
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  #need(n: number, what: string): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new ProtocolError(`truncated request: ${what} needs ${n} bytes at offset ${at}, ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.#need(1, 'int8'));
  }
  bool(): boolean {
    return this.buf[this.#need(1, 'bool')] !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.#need(2, 'int16'));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.#need(2, 'uint16'));
  }
  int32(): number {
    return this.buf.readInt32BE(this.#need(4, 'int32'));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.#need(4, 'uint32'));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.#need(8, 'int64'));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.#need(8, 'float64'));
  }
  uuid(): Buffer {
    const at = this.#need(16, 'uuid');
    return this.buf.subarray(at, at + 16);
  }

  /** Unsigned LEB128 varint (protocol lengths, tags): no zig-zag. At most 5 bytes (32 bits). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw new ProtocolError(`truncated request: varint at offset ${this.offset}`);
      const b = this.buf[this.offset++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtocolError(`malformed varint at offset ${this.offset}`);
  }
  /** Zig-zag signed varint (record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  /** Zig-zag signed varlong (record timestamps). */
  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtocolError(`truncated request: varlong at offset ${this.offset}`);
      const b = this.buf[this.offset++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new ProtocolError(`malformed varlong at offset ${this.offset}`);
  }

  #utf8(len: number): string {
    const at = this.#need(len, 'string');
    return this.buf.toString('utf8', at, at + len);
  }

  /** STRING (int16 length). A null here is a protocol violation, read as ''. */
  string(): string {
    return this.nullableString() ?? '';
  }
  nullableString(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.#utf8(len);
  }
  compactString(): string {
    return this.compactNullableString() ?? '';
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#utf8(n - 1);
  }
  str(flex: boolean): string {
    return flex ? this.compactString() : this.string();
  }
  nullableStr(flex: boolean): string | null {
    return flex ? this.compactNullableString() : this.nullableString();
  }

  #slice(len: number): Buffer {
    const at = this.#need(len, 'bytes');
    return this.buf.subarray(at, at + len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }
  nullableBytes(): Buffer | null {
    const len = this.int32();
    return len < 0 ? null : this.#slice(len);
  }
  compactBytes(): Buffer {
    return this.compactNullableBytes() ?? Buffer.alloc(0);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#slice(n - 1);
  }
  bytesF(flex: boolean): Buffer {
    return flex ? this.compactBytes() : this.bytes();
  }
  nullableBytesF(flex: boolean): Buffer | null {
    return flex ? this.compactNullableBytes() : this.nullableBytes();
  }

  #items<T>(count: number, fn: (r: Reader) => T): T[] {
    // Every element takes at least one byte, so a count beyond what is left is a lie;
    // checking first stops a 4-byte frame from allocating a 2-billion-slot array.
    if (count > this.remaining) throw new ProtocolError(`array of ${count} items with ${this.remaining} bytes left`);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = fn(this);
    return out;
  }
  /** ARRAY (int32 count); null reads as []. */
  array<T>(fn: (r: Reader) => T): T[] {
    return this.nullableArray(fn) ?? [];
  }
  nullableArray<T>(fn: (r: Reader) => T): T[] | null {
    const n = this.int32();
    return n < 0 ? null : this.#items(n, fn);
  }
  compactArray<T>(fn: (r: Reader) => T): T[] {
    return this.compactNullableArray(fn) ?? [];
  }
  compactNullableArray<T>(fn: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#items(n - 1, fn);
  }
  arr<T>(flex: boolean, fn: (r: Reader) => T): T[] {
    return flex ? this.compactArray(fn) : this.array(fn);
  }
  nullableArr<T>(flex: boolean, fn: (r: Reader) => T): T[] | null {
    return flex ? this.compactNullableArray(fn) : this.nullableArray(fn);
  }

  /**
   * Reads a tagged-field section. Unknown tags are skipped; `onTag` may read a known one
   * from the given sub-reader (bounded to that field).
   */
  taggedFields(onTag?: (tag: number, field: Reader) => void): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const at = this.#need(size, 'tagged field');
      onTag?.(tag, new Reader(this.buf, at, at + size));
    }
  }
  /** Skips the tagged-field section of a flexible version; no-op otherwise. */
  tags(flex: boolean): void {
    if (flex) this.taggedFields();
  }
}
