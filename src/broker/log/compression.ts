/**
 * Decompression of a batch's records blob, for views only (the broker stores and serves
 * batches compressed as they came). Snappy comes in two framings: the Java client wraps it
 * in xerial's block format, librdkafka and kafkajs send raw snappy.
 */
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { decompress as zstdDecompress } from 'fzstd';

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { uncompress(data: Uint8Array, maxLength?: number): Uint8Array };
const lz4 = require('lz4js') as { decompress(data: Uint8Array, maxSize?: number): Uint8Array | number[] };

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;

/** Upper bound of a decompressed blob, so a hostile batch cannot exhaust memory in a view. */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

function unsnappy(data: Buffer): Buffer {
  if (data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const blocks: Buffer[] = [];
    let total = 0;
    let pos = XERIAL_HEADER_SIZE;
    while (pos + 4 <= data.length) {
      const size = data.readInt32BE(pos);
      pos += 4;
      if (size < 0 || pos + size > data.length) throw new Error('truncated xerial snappy block');
      const block = Buffer.from(snappy.uncompress(data.subarray(pos, pos + size), MAX_DECOMPRESSED_BYTES));
      total += block.length;
      if (total > MAX_DECOMPRESSED_BYTES) throw new Error('decompressed batch too large to show');
      blocks.push(block);
      pos += size;
    }
    return Buffer.concat(blocks);
  }
  return Buffer.from(snappy.uncompress(data, MAX_DECOMPRESSED_BYTES));
}

/** Decompresses `data` compressed with attribute codec `codec` (0 none .. 4 zstd). Throws on bad data. */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    case 2:
      return unsnappy(data);
    case 3: {
      const out = lz4.decompress(data);
      return Buffer.from(out instanceof Uint8Array ? out : Uint8Array.from(out));
    }
    case 4: {
      const out = zstdDecompress(data);
      if (out.length > MAX_DECOMPRESSED_BYTES) throw new Error('decompressed batch too large to show');
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
