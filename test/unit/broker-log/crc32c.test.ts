import { describe, expect, it } from 'vitest';
import { createJsCrc32c, crc32c, crc32cImplementation, loadNativeCrc32c } from '../../../src/broker/log/crc32c.js';

// Known vectors (RFC 3720 appendix B.4 and the usual check value).
const vectors: [Buffer, number][] = [
  [Buffer.from('123456789'), 0xe3069283],
  [Buffer.alloc(32, 0), 0x8a9136aa],
  [Buffer.alloc(32, 0xff), 0x62a8ab43],
  [Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
  [Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  [Buffer.alloc(0), 0],
];

describe('crc32c', () => {
  const js = createJsCrc32c();
  const native = loadNativeCrc32c();

  it('uses the native implementation on this machine', () => {
    expect(native).not.toBeNull();
    expect(crc32cImplementation).toBe('native');
  });

  for (const [name, fn] of [['js', js], ['native', native], ['default', crc32c]] as const) {
    it(`${name}: matches the known vectors`, () => {
      if (!fn) throw new Error('implementation missing');
      for (const [data, want] of vectors) expect(fn(data).toString(16)).toBe(want.toString(16));
    });
  }

  it('js and native agree on random data of every length and alignment, and when continued', () => {
    if (!native) throw new Error('native missing');
    const big = Buffer.from(Array.from({ length: 4099 }, (_, i) => (i * 7919 + 13) & 0xff));
    for (let len = 0; len < 70; len++) {
      for (const start of [0, 1, 3, 7]) {
        const slice = big.subarray(start, start + len);
        expect(js(slice)).toBe(native(slice));
      }
    }
    expect(js(big)).toBe(native(big));
    expect(js(big.subarray(1000), js(big.subarray(0, 1000)))).toBe(native(big));
    expect(native(new Uint8Array(big))).toBe(native(big));
  });
});
