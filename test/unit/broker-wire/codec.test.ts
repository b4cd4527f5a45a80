import { describe, expect, it } from 'vitest';
import { Reader, ProtocolError } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

describe('Writer and Reader', () => {
  it('round-trip every primitive in classic and compact forms', () => {
    const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const w = new Writer(8); // small, so the writer has to grow and seal several parts
    w.int8(-5).int16(-300).int32(-70000).int64(-(2n ** 40n)).uint32(0xfffffff0).bool(true).float64(1.5).uuid(uuid);
    w.uvarint(0).uvarint(127).uvarint(128).uvarint(2 ** 31).varint(-1).varint(63).varint(-64).varlong(-(2n ** 50n)).varlong(12345n);
    w.string('héllo').nullableString(null).compactString('').compactNullableString(null).compactString('x'.repeat(300));
    w.bytes(Buffer.from([1, 2, 3])).nullableBytes(null).compactBytes(Buffer.alloc(600, 7)).compactNullableBytes(null);
    w.array([1, 2], (w, v) => w.int32(v)).arr(true, ['a', 'b'], (w, v) => w.compactString(v)).arr(false, null, () => {});
    w.tags(true);
    const r = new Reader(w.toBuffer());
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uint32(), r.bool(), r.float64()]).toEqual([-5, -300, -70000, -(2n ** 40n), 0xfffffff0, true, 1.5]);
    expect(r.uuid().equals(uuid)).toBe(true);
    expect([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.varint(), r.varint(), r.varint()]).toEqual([0, 127, 128, 2 ** 31, -1, 63, -64]);
    expect([r.varlong(), r.varlong()]).toEqual([-(2n ** 50n), 12345n]);
    expect([r.string(), r.nullableString(), r.compactString(), r.compactNullableString(), r.compactString()]).toEqual(['héllo', null, '', null, 'x'.repeat(300)]);
    expect([...r.bytes()]).toEqual([1, 2, 3]);
    expect(r.nullableBytes()).toBeNull();
    expect(r.compactBytes().equals(Buffer.alloc(600, 7))).toBe(true);
    expect(r.compactNullableBytes()).toBeNull();
    expect(r.array((r) => r.int32())).toEqual([1, 2]);
    expect(r.arr(true, (r) => r.compactString())).toEqual(['a', 'b']);
    expect(r.nullableArr(false, (r) => r.int8())).toBeNull();
    r.tags(true);
    expect(r.remaining).toBe(0);
  });

  it('encodes unsigned varints as plain LEB128 and signed ones zig-zag', () => {
    expect([...new Writer().uvarint(300).toBuffer()]).toEqual([0xac, 0x02]);
    expect([...new Writer().varint(-1).toBuffer()]).toEqual([0x01]);
    expect([...new Writer().varint(1).toBuffer()]).toEqual([0x02]);
  });

  it('references large raw buffers instead of copying them, and patches reserved lengths', () => {
    const big = Buffer.alloc(4096, 1);
    const w = new Writer();
    const len = w.reserveInt32();
    w.int16(1).raw(big).int16(2);
    w.patchLength(len);
    const parts = w.toBuffers();
    expect(parts).toContain(big);
    const all = Buffer.concat(parts);
    expect(all.readInt32BE(0)).toBe(all.length - 4);
    expect(all.readInt16BE(all.length - 2)).toBe(2);
  });

  it('writes a records field from several batches without joining them', () => {
    const a = Buffer.alloc(1000, 1);
    const b = Buffer.alloc(10, 2);
    const w = new Writer().records(true, [a, b]).records(false, [b]).records(false, null);
    const r = new Reader(w.toBuffer());
    expect(r.compactBytes().equals(Buffer.concat([a, b]))).toBe(true);
    expect(r.bytes().equals(b)).toBe(true);
    expect(r.nullableBytes()).toBeNull();
  });

  it('skips unknown tagged fields and hands known ones to the caller', () => {
    const w = new Writer().uvarint(2).uvarint(0).uvarint(2).int16(9).uvarint(5).uvarint(3).raw(Buffer.from('abc')).int8(42);
    const r = new Reader(w.toBuffer());
    const seen: [number, number][] = [];
    r.taggedFields((tag, f) => seen.push([tag, f.remaining]));
    expect(seen).toEqual([
      [0, 2],
      [5, 3],
    ]);
    expect(r.int8()).toBe(42);
  });

  it('throws ProtocolError on truncation and on lying lengths, never RangeError', () => {
    const cases: ((r: Reader) => unknown)[] = [
      (r) => r.int64(),
      (r) => r.string(),
      (r) => r.compactString(),
      (r) => r.bytes(),
      (r) => r.array((r) => r.int8()),
      (r) => r.compactArray((r) => r.int8()),
      (r) => r.uuid(),
      (r) => r.taggedFields(),
    ];
    const inputs = [Buffer.from([0x00, 0x05, 0x61]), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.alloc(0)];
    for (const read of cases) {
      for (const input of inputs) {
        try {
          read(new Reader(input));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }
    }
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int8())).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x00, 0x05, 0x61])).string()).toThrow(/truncated/);
  });
});
