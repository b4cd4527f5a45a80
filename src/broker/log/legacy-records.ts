/**
 * The message format of Kafka before 0.11 (MessageSet, magic 0 and 1), for the old clients
 * that Kafka 3.9 still served: Produce v0-2 sends it, Fetch v0-3 expects it.
 *
 *   message set: [offset int64][size int32][message]...
 *   message:     crc uint32 (IEEE, over the rest), magic int8, attributes int8,
 *                timestamp int64 (magic 1 only), key bytes, value bytes
 *
 * A compressed message (codec in attributes) holds an inner message set in its value.
 * Like Kafka 3.x (message.format.version 3.0), the broker stores what comes in as one
 * uncompressed RecordBatch v2 and converts back when an old client fetches.
 */
import { crc32 } from 'node:zlib';
import { ErrorCode } from '../protocol/error-codes.js';
import { Attr } from './batch.js';
import { encodeBatch, type RecordToEncode } from './batch-encode.js';
import { decompress } from './compression.js';
import { decodeBatch } from './records.js';

/** Kafka's NO_TIMESTAMP, what a magic 0 message converts to. */
const NO_TIMESTAMP = -1;

interface LegacyMessage {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export type Conversion = { batch: Buffer; count: number } | { error: number; message: string };

/** Parses a produced message set (magic 0/1) into one uncompressed RecordBatch v2. */
export function messageSetToBatch(set: Buffer): Conversion {
  const messages: LegacyMessage[] = [];
  const problem = readSet(set, messages, null, 0);
  if (problem) return { error: ErrorCode.CORRUPT_MESSAGE, message: problem };
  if (messages.length === 0) return { error: ErrorCode.INVALID_RECORD, message: 'the message set holds no message' };
  const stamped = messages.map((m) => m.timestamp).filter((t) => t >= 0);
  const baseTimestamp = stamped.length > 0 ? Math.min(...stamped) : NO_TIMESTAMP;
  const records: RecordToEncode[] = messages.map((m, i) => ({
    offset: i,
    timestamp: m.timestamp >= 0 ? m.timestamp : baseTimestamp,
    key: m.key,
    value: m.value,
    headers: [],
  }));
  const batch = encodeBatch({
    baseOffset: 0,
    lastOffsetDelta: records.length - 1,
    baseTimestamp,
    maxTimestamp: stamped.length > 0 ? Math.max(...stamped) : NO_TIMESTAMP,
    attributes: 0,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    records,
  });
  return { batch, count: records.length };
}

/** Appends the messages of `set` to `out`; returns what is wrong, or null. */
function readSet(set: Buffer, out: LegacyMessage[], wrapperTimestamp: number | null, depth: number): string | null {
  let pos = 0;
  while (pos < set.length) {
    if (pos + 12 > set.length) {
      // A partial trailing message is allowed in fetches, never in a produce.
      return 'the message set ends inside a message header';
    }
    const size = set.readInt32BE(pos + 8);
    const start = pos + 12;
    const end = start + size;
    if (size < 14 || end > set.length) return `a message of ${size} bytes does not fit in the message set`;
    const stored = set.readUInt32BE(start);
    if ((crc32(set.subarray(start + 4, end)) >>> 0) !== stored) return 'a message has a wrong CRC';
    const magic = set[start + 4]!;
    if (magic > 1) return `message magic ${magic} inside a message set (a RecordBatch needs Produce v3 or later)`;
    const attributes = set[start + 5]!;
    let at = start + 6;
    let timestamp = NO_TIMESTAMP;
    if (magic === 1) {
      timestamp = Number(set.readBigInt64BE(at));
      at += 8;
    }
    if (wrapperTimestamp !== null) timestamp = wrapperTimestamp;
    const key = readBytes(set, at, end);
    if (key === undefined) return 'a message key overruns the message';
    at += 4 + (key?.length ?? 0);
    const value = readBytes(set, at, end);
    if (value === undefined) return 'a message value overruns the message';
    const codec = attributes & Attr.codecMask;
    if (codec === 0) out.push({ timestamp, key, value });
    else {
      if (depth > 0) return 'a compressed message inside a compressed message';
      if (codec > 3) return `compression codec ${codec} needs Produce v3 or later`;
      if (value === null) return 'a compressed message without a value';
      let inner: Buffer;
      try {
        inner = decompress(codec, value);
      } catch (error) {
        return `a compressed message cannot be decompressed (${(error as Error).message})`;
      }
      // LogAppendTime on the wrapper stamps every inner message with the wrapper's time.
      const logAppend = magic === 1 && (attributes & Attr.timestampType) !== 0 ? timestamp : null;
      const problem = readSet(inner, out, logAppend, depth + 1);
      if (problem) return problem;
    }
    pos = end;
  }
  return null;
}

/** Reads int32-length-prefixed bytes at `at`: null for -1, undefined when it overruns `end`. */
function readBytes(buf: Buffer, at: number, end: number): Buffer | null | undefined {
  if (at + 4 > end) return undefined;
  const len = buf.readInt32BE(at);
  if (len < 0) return null;
  if (at + 4 + len > end) return undefined;
  return buf.subarray(at + 4, at + 4 + len);
}

/**
 * Converts stored RecordBatches to a message set of `magic` 0 or 1 for an old fetcher,
 * within `maxBytes` (the first message always, as Kafka does). Transaction markers are
 * left out; a batch that cannot be decoded ends the conversion there.
 */
export function batchesToMessageSet(batches: readonly Buffer[], magic: 0 | 1, maxBytes: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const stored of batches) {
    let decoded;
    try {
      decoded = decodeBatch(stored);
    } catch {
      break;
    }
    if (decoded.control) continue;
    for (const r of decoded.records) {
      const message = encodeMessage(magic, r.offset, r.timestamp, r.key, r.value);
      if (total > 0 && total + message.length > maxBytes) return Buffer.concat(parts, total);
      parts.push(message);
      total += message.length;
    }
  }
  return Buffer.concat(parts, total);
}

function encodeMessage(magic: 0 | 1, offset: number, timestamp: number, key: Buffer | null, value: Buffer | null): Buffer {
  const size = 4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
  const buf = Buffer.allocUnsafe(12 + size);
  buf.writeBigInt64BE(BigInt(offset), 0);
  buf.writeInt32BE(size, 8);
  let at = 16;
  buf[at++] = magic;
  buf[at++] = 0; // attributes: uncompressed, CreateTime
  if (magic === 1) {
    buf.writeBigInt64BE(BigInt(timestamp), at);
    at += 8;
  }
  for (const b of [key, value]) {
    buf.writeInt32BE(b === null ? -1 : b.length, at);
    at += 4;
    if (b) {
      b.copy(buf, at);
      at += b.length;
    }
  }
  buf.writeUInt32BE(crc32(buf.subarray(16)) >>> 0, 12);
  return buf;
}

/** One uncompressed message (for tests and gzipMessageSet's inner sets). */
export function legacyMessage(magic: 0 | 1, offset: number, timestamp: number, key: Buffer | null, value: Buffer | null): Buffer {
  return encodeMessage(magic, offset, timestamp, key, value);
}
