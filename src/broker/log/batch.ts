/**
 * RecordBatch v2 headers (kafka-protocol.md §1.6): read the fixed fields, validate a
 * produced batch, rewrite its baseOffset. No record is decoded here: this is the hot path.
 */
import type { BatchHeader, KafkaErrorCode } from './contract.js';
import { crc32c } from './crc32c.js';
import { ErrorCode } from '../protocol/error-codes.js';

/** Byte positions of the header fields. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** Size of the header; the smallest possible batch. */
export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's count starts (baseOffset + batchLength). */
export const LOG_OVERHEAD = 12;

export const Attr = {
  codecMask: 0x07,
  timestampType: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

/** Compression codec names by attribute value. */
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/** Reads the header of the batch at `offset`. The caller checks there are 61 bytes. */
export function readBatchHeader(buf: Buffer, offset = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(offset),
    batchLength: buf.readInt32BE(offset + BatchField.batchLength),
    magic: buf.readInt8(offset + BatchField.magic),
    crc: buf.readUInt32BE(offset + BatchField.crc),
    attributes: buf.readInt16BE(offset + BatchField.attributes),
    lastOffsetDelta: buf.readInt32BE(offset + BatchField.lastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(offset + BatchField.baseTimestamp),
    maxTimestamp: buf.readBigInt64BE(offset + BatchField.maxTimestamp),
    producerId: buf.readBigInt64BE(offset + BatchField.producerId),
    producerEpoch: buf.readInt16BE(offset + BatchField.producerEpoch),
    baseSequence: buf.readInt32BE(offset + BatchField.baseSequence),
    recordCount: buf.readInt32BE(offset + BatchField.recordCount),
  };
}

/** Total size of the batch at `offset` (12 + batchLength), or -1 when fewer than 12 bytes remain. */
export function batchSizeAt(buf: Buffer, offset = 0): number {
  if (buf.length - offset < LOG_OVERHEAD) return -1;
  return LOG_OVERHEAD + buf.readInt32BE(offset + BatchField.batchLength);
}

/** Whether the CRC-32C stored in the batch at `offset` (of `size` bytes) matches its bytes. */
export function batchCrcValid(buf: Buffer, offset: number, size: number): boolean {
  const stored = buf.readUInt32BE(offset + BatchField.crc);
  return crc32c(buf.subarray(offset + BatchField.attributes, offset + size)) === stored;
}

export interface ProduceValidationOptions {
  /** Produce API version of the request: zstd needs v7+. */
  produceVersion: number;
  /** max.message.bytes: the largest batch accepted (Kafka's default is 1 MiB + a little). */
  maxMessageBytes: number;
}

/**
 * Checks one produced batch (`batch` is exactly the batch's bytes) and returns the Kafka
 * error code to answer with, or 0 when the batch may be appended.
 */
export function validateProducedBatch(batch: Buffer, options: ProduceValidationOptions): KafkaErrorCode {
  const size = batch.length;
  if (size < BATCH_HEADER_SIZE) return ErrorCode.CORRUPT_MESSAGE;
  if (batch.readInt32BE(BatchField.batchLength) !== size - LOG_OVERHEAD) return ErrorCode.CORRUPT_MESSAGE;
  if (batch[BatchField.magic] !== 2) return ErrorCode.CORRUPT_MESSAGE;
  if (size > options.maxMessageBytes) return ErrorCode.MESSAGE_TOO_LARGE;
  const attributes = batch.readInt16BE(BatchField.attributes);
  const codec = attributes & Attr.codecMask;
  if (codec > 4) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  if (codec === 4 && options.produceVersion < 7) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  if (attributes & Attr.control) return ErrorCode.INVALID_RECORD;
  const recordCount = batch.readInt32BE(BatchField.recordCount);
  if (recordCount < 1) return ErrorCode.INVALID_RECORD;
  if (batch.readInt32BE(BatchField.lastOffsetDelta) !== recordCount - 1) return ErrorCode.INVALID_RECORD;
  // The CRC last: it is the only check that reads the whole batch.
  if (!batchCrcValid(batch, 0, size)) return ErrorCode.CORRUPT_MESSAGE;
  return ErrorCode.NONE;
}

/** Writes `offset` into the batch's baseOffset (outside the CRC, so the CRC stays valid). */
export function setBaseOffset(batch: Buffer, offset: bigint | number, at = 0): void {
  batch.writeBigInt64BE(typeof offset === 'bigint' ? offset : BigInt(offset), at);
}

/** The codec name of a batch's attributes ('none', 'gzip', ...; 'unknown' past 4). */
export function codecName(attributes: number): CodecName | 'unknown' {
  return CODEC_NAMES[attributes & Attr.codecMask] ?? 'unknown';
}
