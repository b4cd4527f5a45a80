import { describe, expect, it } from 'vitest';
import { MAX_TRACED_RECORDS, traceparentsOf } from '../../../src/broker/tracing/traceparents.js';
import { encodeBatch, type TestRecord } from '../../helpers/record-batch.js';

const A = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const B = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const traced = (traceparent: string, extra: TestRecord['headers'] = []): TestRecord => ({
  value: 'v',
  headers: [...extra, { key: 'traceparent', value: traceparent }],
});

describe('traceparentsOf', () => {
  it('returns the distinct traceparent values of a small uncompressed batch, in record order', () => {
    const batch = encodeBatch([traced(A, [{ key: 'content-type', value: 'json' }]), traced(B), traced(A), { value: 'no headers' }]);
    expect(traceparentsOf(batch)).toEqual([A, B]);
  });

  it('returns undefined when no record carries one, or the header has no value', () => {
    expect(traceparentsOf(encodeBatch([{ value: 'x', headers: [{ key: 'tracestate', value: 'a=b' }] }]))).toBeUndefined();
    expect(traceparentsOf(encodeBatch([{ value: 'traceparent in the value only' }]))).toBeUndefined();
    expect(traceparentsOf(encodeBatch([{ value: 'x', headers: [{ key: 'traceparent', value: null }] }]))).toBeUndefined();
  });

  it('never decodes compressed batches or batches with many records', () => {
    expect(traceparentsOf(encodeBatch([traced(A)], { compression: 'gzip' }))).toBeUndefined();
    expect(traceparentsOf(encodeBatch([traced(A)], { compression: 'lz4' }))).toBeUndefined();
    const many = Array.from({ length: MAX_TRACED_RECORDS + 1 }, () => traced(A));
    expect(traceparentsOf(encodeBatch(many))).toBeUndefined();
    expect(traceparentsOf(encodeBatch(many.slice(0, MAX_TRACED_RECORDS)))).toEqual([A]);
  });

  it('returns undefined for a malformed record section instead of throwing', () => {
    const batch = encodeBatch([traced(A), traced(B)]);
    // claim more records than the batch holds: decoding runs off the end
    batch.writeInt32BE(5, 57);
    expect(() => traceparentsOf(batch)).not.toThrow();
    expect(traceparentsOf(batch)).toBeUndefined();
    expect(traceparentsOf(batch.subarray(0, 30))).toBeUndefined();
  });
});
