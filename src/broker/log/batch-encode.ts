/**
 * Encodes an uncompressed RecordBatch v2 (kafka-protocol.md §1.6) from records. Used where
 * the broker itself writes batches: messages of old producers converted to the current
 * format, compacted batches, transaction markers. Never on the plain produce path.
 */
import { BATCH_HEADER_SIZE, BatchField, LOG_OVERHEAD } from './batch.js';
import { crc32c } from './crc32c.js';

/** One record to encode; offsets and timestamps are absolute. */
export interface RecordToEncode {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
}

export interface BatchToEncode {
  baseOffset: number;
  /** kept as given (compaction keeps a filtered batch's last offset, as Kafka does) */
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** codec bits must be 0: the records are written uncompressed */
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  partitionLeaderEpoch?: number;
  records: readonly RecordToEncode[];
}

function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function varintSize(v: number): number {
  let u = zigzag(v);
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  let u = zigzag(v);
  while (u >= 0x80) {
    buf[at++] = (u % 0x80) | 0x80;
    u = Math.floor(u / 0x80);
  }
  buf[at++] = u;
  return at;
}

function fieldSize(b: Buffer | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

function writeField(buf: Buffer, at: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, at, -1);
  at = writeVarint(buf, at, b.length);
  b.copy(buf, at);
  return at + b.length;
}

/** The whole batch, CRC-32C set, ready to append. */
export function encodeBatch(batch: BatchToEncode): Buffer {
  const headerKeys = batch.records.map((r) => r.headers.map((h) => Buffer.from(h.key, 'utf8')));
  const bodies: number[] = [];
  let total = BATCH_HEADER_SIZE;
  batch.records.forEach((r, i) => {
    let body = 1 + varintSize(r.timestamp - batch.baseTimestamp) + varintSize(r.offset - batch.baseOffset);
    body += fieldSize(r.key) + fieldSize(r.value) + varintSize(r.headers.length);
    r.headers.forEach((h, j) => {
      body += fieldSize(headerKeys[i]![j]!) + fieldSize(h.value);
    });
    bodies.push(body);
    total += varintSize(body) + body;
  });
  const buf = Buffer.allocUnsafe(total);
  buf.writeBigInt64BE(BigInt(batch.baseOffset), BatchField.baseOffset);
  buf.writeInt32BE(total - LOG_OVERHEAD, BatchField.batchLength);
  buf.writeInt32BE(batch.partitionLeaderEpoch ?? 0, BatchField.partitionLeaderEpoch);
  buf[BatchField.magic] = 2;
  buf.writeInt16BE(batch.attributes, BatchField.attributes);
  buf.writeInt32BE(batch.lastOffsetDelta, BatchField.lastOffsetDelta);
  buf.writeBigInt64BE(BigInt(batch.baseTimestamp), BatchField.baseTimestamp);
  buf.writeBigInt64BE(BigInt(batch.maxTimestamp), BatchField.maxTimestamp);
  buf.writeBigInt64BE(batch.producerId, BatchField.producerId);
  buf.writeInt16BE(batch.producerEpoch, BatchField.producerEpoch);
  buf.writeInt32BE(batch.baseSequence, BatchField.baseSequence);
  buf.writeInt32BE(batch.records.length, BatchField.recordCount);
  let at = BATCH_HEADER_SIZE;
  batch.records.forEach((r, i) => {
    at = writeVarint(buf, at, bodies[i]!);
    buf[at++] = 0; // record attributes
    at = writeVarint(buf, at, r.timestamp - batch.baseTimestamp);
    at = writeVarint(buf, at, r.offset - batch.baseOffset);
    at = writeField(buf, at, r.key);
    at = writeField(buf, at, r.value);
    at = writeVarint(buf, at, r.headers.length);
    r.headers.forEach((h, j) => {
      at = writeField(buf, at, headerKeys[i]![j]!);
      at = writeField(buf, at, h.value);
    });
  });
  setBatchCrc(buf);
  return buf;
}

/** Recomputes the CRC-32C of a whole batch after its attributes or later fields changed. */
export function setBatchCrc(batch: Buffer): void {
  batch.writeUInt32BE(crc32c(batch.subarray(BatchField.attributes)), BatchField.crc);
}
