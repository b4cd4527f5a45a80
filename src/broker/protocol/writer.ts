/** A reserved slot in a Writer, patched later (e.g. a length known only after the body). */
export interface Reservation {
  readonly buf: Buffer;
  readonly offset: number;
  /** Writer length just after the slot */
  readonly mark: number;
}

/** Raw buffers at least this big are referenced, not copied (record batches in fetch responses). */
const RAW_COPY_LIMIT = 512;

/**
 * Writes Kafka protocol primitives into a growable list of buffers.
 *
 * Bytes once written are never moved: when the scratch buffer fills, it is sealed and a new
 * one started, so a Reservation stays valid and large raw buffers can be referenced instead
 * of copied. `toBuffers()` gives the parts for a corked socket write (one writev).
 */
export class Writer {
  readonly #parts: Buffer[] = [];
  #sealed = 0;
  #buf: Buffer;
  #start = 0;
  #pos = 0;

  constructor(initialSize = 256) {
    this.#buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#sealed + this.#pos - this.#start;
  }

  #seal(): void {
    if (this.#pos > this.#start) {
      this.#parts.push(this.#buf.subarray(this.#start, this.#pos));
      this.#sealed += this.#pos - this.#start;
    }
    this.#start = this.#pos;
  }

  /**
   * Makes room for n bytes and returns where to write them. Call it before reading
   * `this.#buf`: it may replace the buffer.
   */
  #ensure(n: number): number {
    if (this.#pos + n > this.#buf.length) {
      this.#seal();
      this.#buf = Buffer.allocUnsafe(Math.max(n, Math.min(this.#buf.length * 2, 1 << 20)));
      this.#start = this.#pos = 0;
    }
    const at = this.#pos;
    this.#pos = at + n;
    return at;
  }

  int8(v: number): this {
    const at = this.#ensure(1);
    this.#buf.writeInt8(v, at);
    return this;
  }
  bool(v: boolean): this {
    const at = this.#ensure(1);
    this.#buf[at] = v ? 1 : 0;
    return this;
  }
  int16(v: number): this {
    const at = this.#ensure(2);
    this.#buf.writeInt16BE(v, at);
    return this;
  }
  uint16(v: number): this {
    const at = this.#ensure(2);
    this.#buf.writeUInt16BE(v, at);
    return this;
  }
  int32(v: number): this {
    const at = this.#ensure(4);
    this.#buf.writeInt32BE(v, at);
    return this;
  }
  uint32(v: number): this {
    const at = this.#ensure(4);
    this.#buf.writeUInt32BE(v, at);
    return this;
  }
  int64(v: bigint): this {
    const at = this.#ensure(8);
    this.#buf.writeBigInt64BE(v, at);
    return this;
  }
  float64(v: number): this {
    const at = this.#ensure(8);
    this.#buf.writeDoubleBE(v, at);
    return this;
  }
  /** 16 bytes; null or a short buffer writes the all-zero uuid ("none"). */
  uuid(v: Buffer | null): this {
    const at = this.#ensure(16);
    this.#buf.fill(0, at, at + 16);
    if (v) v.copy(this.#buf, at, 0, Math.min(16, v.length));
    return this;
  }

  /** Unsigned LEB128 (protocol lengths and tags). */
  uvarint(v: number): this {
    const at = this.#ensure(5);
    let p = at;
    while (v >= 0x80) {
      this.#buf[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.#buf[p++] = v;
    this.#pos = p;
    return this;
  }
  /** Zig-zag signed varint. */
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  /** Zig-zag signed varlong. */
  varlong(v: bigint): this {
    let u = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    const at = this.#ensure(10);
    let p = at;
    while (u >= 0x80n) {
      this.#buf[p++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.#buf[p++] = Number(u);
    this.#pos = p;
    return this;
  }

  #utf8(s: string, len: number): void {
    const at = this.#ensure(len);
    this.#buf.write(s, at, len, 'utf8');
  }

  /** STRING / NULLABLE_STRING (int16 length, -1 = null). */
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s);
    this.int16(len);
    this.#utf8(s, len);
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const len = Buffer.byteLength(s);
    this.uvarint(len + 1);
    this.#utf8(s, len);
    return this;
  }
  compactString(s: string): this {
    return this.compactNullableString(s);
  }
  str(flex: boolean, s: string): this {
    return flex ? this.compactNullableString(s) : this.nullableString(s);
  }
  nullableStr(flex: boolean, s: string | null): this {
    return flex ? this.compactNullableString(s) : this.nullableString(s);
  }

  /** Appends bytes with no length prefix; big buffers are referenced, not copied. */
  raw(b: Buffer): this {
    if (b.length < RAW_COPY_LIMIT) {
      const at = this.#ensure(b.length);
      b.copy(this.#buf, at);
    } else {
      this.#seal();
      this.#parts.push(b);
      this.#sealed += b.length;
    }
    return this;
  }
  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }
  compactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }
  compactBytes(b: Buffer): this {
    return this.compactNullableBytes(b);
  }
  bytesF(flex: boolean, b: Buffer | null): this {
    return flex ? this.compactNullableBytes(b) : this.nullableBytes(b);
  }
  /**
   * A records field made of several stored batches, written without joining them:
   * NULLABLE_BYTES or COMPACT_RECORDS length, then each batch by reference.
   */
  records(flex: boolean, batches: readonly Buffer[] | null): this {
    if (batches === null) return flex ? this.uvarint(0) : this.int32(-1);
    let total = 0;
    for (const b of batches) total += b.length;
    if (flex) this.uvarint(total + 1);
    else this.int32(total);
    for (const b of batches) this.raw(b);
    return this;
  }

  /** ARRAY (int32 count) or COMPACT_ARRAY; `null` writes the null array. */
  arr<T>(flex: boolean, items: readonly T[] | null, fn: (w: this, item: T) => void): this {
    if (items === null) return flex ? this.uvarint(0) : this.int32(-1);
    if (flex) this.uvarint(items.length + 1);
    else this.int32(items.length);
    for (const item of items) fn(this, item);
    return this;
  }
  array<T>(items: readonly T[] | null, fn: (w: this, item: T) => void): this {
    return this.arr(false, items, fn);
  }
  compactArray<T>(items: readonly T[] | null, fn: (w: this, item: T) => void): this {
    return this.arr(true, items, fn);
  }
  /** An empty tagged-field section in flexible versions; nothing otherwise. */
  tags(flex: boolean): this {
    if (flex) this.uvarint(0);
    return this;
  }

  /** Reserves 4 bytes to patch later with `patchInt32` or `patchLength`. */
  reserveInt32(): Reservation {
    const at = this.#ensure(4);
    return { buf: this.#buf, offset: at, mark: this.length };
  }
  patchInt32(r: Reservation, v: number): void {
    r.buf.writeInt32BE(v, r.offset);
  }
  /** Writes the number of bytes written since the reservation into it. */
  patchLength(r: Reservation): void {
    r.buf.writeInt32BE(this.length - r.mark, r.offset);
  }

  /** The written bytes as parts (no copy); the Writer must not be used afterwards. */
  toBuffers(): Buffer[] {
    this.#seal();
    return this.#parts;
  }
  /** The written bytes as one Buffer (copies when there are several parts). */
  toBuffer(): Buffer {
    const parts = this.toBuffers();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.#sealed);
  }
}
