import { describe, expect, it } from 'vitest';
import { decodeBatch } from '../../../src/broker/log/records.js';
import { renderBytes } from '../../../src/broker/log/render.js';
import { topicNameProblem } from '../../../src/broker/log/topic-name.js';
import { encodeBatch, type TestCompression } from '../../helpers/record-batch.js';

describe('record decoding for views', () => {
  const records = [
    { key: 'user-1', value: '{"id":1,"total":9.5}', headers: [{ key: 'trace', value: 'abc' }, { key: 'none', value: null }] },
    { key: null, value: Buffer.from([0, 1, 2, 0xff]), timestampDelta: 250 },
    { key: 'k', value: null, timestampDelta: -3 },
    { value: 'x'.repeat(300) },
  ];
  const codecs: TestCompression[] = ['none', 'gzip', 'snappy', 'snappy-xerial', 'lz4', 'zstd'];

  for (const compression of codecs) {
    it(`decodes ${compression} batches`, () => {
      const batch = encodeBatch(records, { baseTimestamp: 1_700_000_000_000, compression });
      batch.writeBigInt64BE(40n, 0);
      const decoded = decodeBatch(batch);
      expect(decoded.compression).toBe(compression === 'snappy-xerial' ? 'snappy' : compression);
      expect(decoded.control).toBe(false);
      expect(decoded.records.map((r) => r.offset)).toEqual([40, 41, 42, 43]);
      expect(decoded.records.map((r) => r.timestamp)).toEqual([1_700_000_000_000, 1_700_000_000_250, 1_699_999_999_997, 1_700_000_000_000]);
      const [a, b, c, d] = decoded.records;
      expect(a!.key?.toString()).toBe('user-1');
      expect(a!.headers).toEqual([
        { key: 'trace', value: Buffer.from('abc') },
        { key: 'none', value: null },
      ]);
      expect(b!.key).toBeNull();
      expect(b!.value).toEqual(Buffer.from([0, 1, 2, 0xff]));
      expect(c!.value).toBeNull();
      expect(d!.value?.toString()).toBe('x'.repeat(300));
    });
  }

  it('throws on a truncated batch instead of returning garbage', () => {
    const batch = encodeBatch(records);
    expect(() => decodeBatch(batch.subarray(0, batch.length - 10))).toThrow();
  });

  it('renders text, pretty JSON, and a bounded hex preview', () => {
    expect(renderBytes(null)).toBeNull();
    expect(renderBytes(Buffer.from('plain text'))).toBe('plain text');
    expect(renderBytes(Buffer.from('{"a":1,"b":[2]}'))).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    expect(renderBytes(Buffer.from('{not json'))).toBe('{not json');
    expect(renderBytes(Buffer.from([0, 1, 0xfe]))).toBe('hex 00 01 fe');
    const bigBinary = renderBytes(Buffer.alloc(1000, 0x01))!;
    expect(bigBinary).toContain('(1000 bytes)');
    expect(bigBinary.length).toBeLessThan(250);
    expect(renderBytes(Buffer.from('y'.repeat(10_000)))!.length).toBeLessThanOrEqual(4096);
  });

  it('validates topic names like Kafka', () => {
    for (const ok of ['orders', 'a.b_c-D9', 'x'.repeat(249)]) expect(topicNameProblem(ok)).toBeNull();
    for (const bad of ['', '.', '..', 'x'.repeat(250), 'with space', 'ünï', 'a/b']) expect(topicNameProblem(bad)).toBeTypeOf('string');
  });
});
