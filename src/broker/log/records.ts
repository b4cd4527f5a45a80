/**
 * Decodes the records of a stored batch, for views and ListOffsets by timestamp only (never
 * on the produce or fetch path). Record fields are zig-zag varints (kafka-protocol.md §1.6).
 */
import { Attr, BATCH_HEADER_SIZE, BatchField, codecName, type CodecName } from './batch.js';
import { decompress } from './compression.js';

/** One record of a batch, with absolute offset and timestamp. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface DecodedBatch {
  baseOffset: number;
  compression: CodecName | 'unknown';
  /** a transaction marker, hidden from applications */
  control: boolean;
  records: DecodedRecord[];
}

/** Reads zig-zag varints from a buffer; throws on a truncated or overlong value. */
class VarintReader {
  pos: number;
  readonly #buf: Buffer;
  readonly #end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.#buf = buf;
    this.pos = pos;
    this.#end = end;
  }

  varint(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.#end) throw new Error('truncated varint');
      const byte = this.#buf[this.pos++]!;
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new Error('varint too long');
  }

  bytes(length: number): Buffer | null {
    if (length < 0) return null;
    if (this.pos + length > this.#end) throw new Error('truncated record field');
    const out = this.#buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

function readRecord(r: VarintReader, baseOffset: number, baseTimestamp: number, logAppendTime: number | null): DecodedRecord {
  const length = r.varint();
  const end = r.pos + length;
  r.pos += 1; // attributes: unused
  const timestampDelta = r.varint();
  const offsetDelta = r.varint();
  const key = r.bytes(r.varint());
  const value = r.bytes(r.varint());
  const headerCount = r.varint();
  const headers: DecodedRecord['headers'] = [];
  for (let i = 0; i < headerCount; i++) {
    const hk = r.bytes(r.varint());
    headers.push({ key: hk ? hk.toString('utf8') : '', value: r.bytes(r.varint()) });
  }
  if (r.pos !== end) r.pos = end; // tolerate fields added by a future record version
  return {
    offset: baseOffset + offsetDelta,
    timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

/** Decodes every record of the batch `batch` (exactly one batch's bytes). Throws on malformed data. */
export function decodeBatch(batch: Buffer): DecodedBatch {
  if (batch.length < BATCH_HEADER_SIZE) throw new Error('batch shorter than its header');
  const baseOffset = Number(batch.readBigInt64BE(BatchField.baseOffset));
  const attributes = batch.readInt16BE(BatchField.attributes);
  const baseTimestamp = Number(batch.readBigInt64BE(BatchField.baseTimestamp));
  const maxTimestamp = Number(batch.readBigInt64BE(BatchField.maxTimestamp));
  const count = batch.readInt32BE(BatchField.recordCount);
  const logAppendTime = attributes & Attr.timestampType ? maxTimestamp : null;
  const body = decompress(attributes & Attr.codecMask, batch.subarray(BATCH_HEADER_SIZE));
  const reader = new VarintReader(body, 0, body.length);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i++) records.push(readRecord(reader, baseOffset, baseTimestamp, logAppendTime));
  return {
    baseOffset,
    compression: codecName(attributes),
    control: (attributes & Attr.control) !== 0,
    records,
  };
}
