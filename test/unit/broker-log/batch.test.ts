import { describe, expect, it } from 'vitest';
import { readBatchHeader, setBaseOffset, validateProducedBatch } from '../../../src/broker/log/batch.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { encodeBatch } from '../../helpers/record-batch.js';

const opts = { produceVersion: 9, maxMessageBytes: 1024 * 1024 };

describe('batch header and produce validation', () => {
  it('reads every header field', () => {
    const b = encodeBatch([{ value: 'a' }, { value: 'b', timestampDelta: 5 }], {
      baseTimestamp: 1_000,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
      compression: 'gzip',
    });
    const h = readBatchHeader(b);
    expect(h).toMatchObject({
      baseOffset: 0n,
      batchLength: b.length - 12,
      magic: 2,
      attributes: 1,
      lastOffsetDelta: 1,
      baseTimestamp: 1000n,
      maxTimestamp: 1005n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
      recordCount: 2,
    });
    expect(readBatchHeader(Buffer.concat([Buffer.alloc(5), b]), 5)).toEqual(h);
  });

  it('accepts a good batch and rewrites baseOffset without breaking the CRC', () => {
    const b = encodeBatch([{ key: 'k', value: 'v' }]);
    expect(validateProducedBatch(b, opts)).toBe(ErrorCode.NONE);
    setBaseOffset(b, 123456789012n);
    expect(readBatchHeader(b).baseOffset).toBe(123456789012n);
    expect(validateProducedBatch(b, opts)).toBe(ErrorCode.NONE);
  });

  it('refuses each kind of bad batch with the code Kafka uses', () => {
    const good = () => encodeBatch([{ value: 'hello' }, { value: 'world' }]);
    const corrupt = good();
    corrupt[corrupt.length - 1]! ^= 1;
    expect(validateProducedBatch(corrupt, opts)).toBe(ErrorCode.CORRUPT_MESSAGE);

    const badLength = good();
    badLength.writeInt32BE(badLength.length, 8);
    expect(validateProducedBatch(badLength, opts)).toBe(ErrorCode.CORRUPT_MESSAGE);

    const badMagic = good();
    badMagic[16] = 1;
    expect(validateProducedBatch(badMagic, opts)).toBe(ErrorCode.CORRUPT_MESSAGE);

    expect(validateProducedBatch(good().subarray(0, 40), opts)).toBe(ErrorCode.CORRUPT_MESSAGE);

    const control = encodeBatch([{ value: 'x' }], { extraAttributes: 0x20 });
    expect(validateProducedBatch(control, opts)).toBe(ErrorCode.INVALID_RECORD);

    const badDelta = good();
    badDelta.writeInt32BE(5, 23);
    expect(validateProducedBatch(badDelta, opts)).toBe(ErrorCode.INVALID_RECORD);

    const badCodec = encodeBatch([{ value: 'x' }], { extraAttributes: 0x05 });
    expect(validateProducedBatch(badCodec, opts)).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);

    const zstd = encodeBatch([{ value: 'x' }], { compression: 'zstd' });
    expect(validateProducedBatch(zstd, { ...opts, produceVersion: 6 })).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(validateProducedBatch(zstd, { ...opts, produceVersion: 7 })).toBe(ErrorCode.NONE);

    expect(validateProducedBatch(good(), { ...opts, maxMessageBytes: 50 })).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });
});
