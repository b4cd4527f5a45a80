/**
 * Builds real RecordBatch v2 buffers for tests and benchmarks (kafka-protocol.md §1.6),
 * so the log is exercised with the same bytes a producer sends.
 */
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { crc32c } from '../../src/broker/log/crc32c.js';

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { compress(data: Uint8Array): Uint8Array };
const lz4 = require('lz4js') as { compress(data: Uint8Array): Uint8Array };

export interface TestRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: { key: string; value: string | Buffer | null }[];
  /** ms after the batch's base timestamp */
  timestampDelta?: number;
}

export type TestCompression = 'none' | 'gzip' | 'snappy' | 'snappy-xerial' | 'lz4' | 'zstd';

export interface BatchOptions {
  baseOffset?: bigint;
  baseTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  compression?: TestCompression;
  /** attributes bits to set besides the codec (e.g. 0x20 control) */
  extraAttributes?: number;
}

function zigzagVarint(out: number[], value: number): void {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function bytesOf(v: string | Buffer | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function encodeRecord(record: TestRecord, offsetDelta: number): Buffer {
  const body: number[] = [];
  body.push(0); // attributes
  zigzagVarint(body, record.timestampDelta ?? 0);
  zigzagVarint(body, offsetDelta);
  const parts: Buffer[] = [];
  const flush = () => {
    parts.push(Buffer.from(body));
    body.length = 0;
  };
  const pushBytes = (b: Buffer | null) => {
    if (b === null) zigzagVarint(body, -1);
    else {
      zigzagVarint(body, b.length);
      flush();
      parts.push(b);
    }
  };
  pushBytes(bytesOf(record.key));
  pushBytes(bytesOf(record.value));
  const headers = record.headers ?? [];
  zigzagVarint(body, headers.length);
  for (const h of headers) {
    pushBytes(Buffer.from(h.key, 'utf8'));
    pushBytes(bytesOf(h.value));
  }
  flush();
  const payload = Buffer.concat(parts);
  const len: number[] = [];
  zigzagVarint(len, payload.length);
  return Buffer.concat([Buffer.from(len), payload]);
}

/** Xerial framing, as the Java client writes snappy: a magic header, then size-prefixed blocks. */
function xerialSnappy(data: Buffer): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const block = Buffer.from(snappy.compress(data));
  const size = Buffer.alloc(4);
  size.writeInt32BE(block.length);
  return Buffer.concat([header, size, block]);
}

/** A zstd frame holding `data` as one raw (stored) block: valid zstd without an encoder. */
function rawZstd(data: Buffer): Buffer {
  if (data.length >= 1 << 21) throw new Error('rawZstd: test payload too large');
  const header = Buffer.alloc(4 + 1 + 4 + 3);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xa0; // single segment, 4-byte frame content size
  header.writeUInt32LE(data.length, 5);
  const blockHeader = 1 | (0 << 1) | (data.length << 3); // last block, raw
  header.writeUIntLE(blockHeader, 9, 3);
  return Buffer.concat([header, data]);
}

function compress(kind: TestCompression, data: Buffer): { codec: number; bytes: Buffer } {
  switch (kind) {
    case 'none':
      return { codec: 0, bytes: data };
    case 'gzip':
      return { codec: 1, bytes: gzipSync(data) };
    case 'snappy':
      return { codec: 2, bytes: Buffer.from(snappy.compress(data)) };
    case 'snappy-xerial':
      return { codec: 2, bytes: xerialSnappy(data) };
    case 'lz4':
      return { codec: 3, bytes: Buffer.from(lz4.compress(data)) };
    case 'zstd':
      return { codec: 4, bytes: rawZstd(data) };
  }
}

/** Encodes `records` as one RecordBatch v2 with a correct CRC-32C. */
export function encodeBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? Date.now();
  const encoded = Buffer.concat(records.map((r, i) => encodeRecord(r, i)));
  const { codec, bytes } = compress(options.compression ?? 'none', encoded);
  const header = Buffer.alloc(61);
  const maxDelta = records.reduce((m, r) => Math.max(m, r.timestampDelta ?? 0), 0);
  header.writeBigInt64BE(options.baseOffset ?? 0n, 0);
  header.writeInt32BE(61 - 12 + bytes.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(codec | (options.extraAttributes ?? 0), 21);
  header.writeInt32BE(records.length - 1, 23);
  header.writeBigInt64BE(BigInt(baseTimestamp), 27);
  header.writeBigInt64BE(BigInt(baseTimestamp + maxDelta), 35);
  header.writeBigInt64BE(options.producerId ?? -1n, 43);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, bytes]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** A batch of `count` records whose values are `size` bytes each (benchmarks, volume tests). */
export function encodeSizedBatch(count: number, size: number, options: BatchOptions = {}): Buffer {
  const value = Buffer.alloc(size, 0x61);
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) records.push({ value });
  return encodeBatch(records, options);
}
