/**
 * CRC-32C (Castagnoli), the checksum of RecordBatch v2. Computed on every produced batch,
 * so it must be fast: the native `@node-rs/crc32` (SSE4.2) when it loads, else a
 * table-driven slicing-by-8 in plain JS (several hundred MB/s).
 */
import { createRequire } from 'node:module';

/** Checksum of `data`, continuing from `initial` (0 for a fresh checksum). */
export type Crc32cFunction = (data: Uint8Array, initial?: number) => number;

const POLY_REFLECTED = 0x82f63b78;

function buildTables(): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t0[i] = c >>> 0;
  }
  tables.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = tables[t - 1]!;
    const next = new Uint32Array(256);
    for (let i = 0; i < 256; i++) next[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
    tables.push(next);
  }
  return tables;
}

/** Builds the plain-JS slicing-by-8 implementation (tables made once per call). */
export function createJsCrc32c(): Crc32cFunction {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = buildTables() as [
    Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array,
  ];
  return (data, initial = 0) => {
    let crc = ~initial >>> 0;
    let i = 0;
    const n = data.length;
    const end8 = n - (n % 8);
    // Eight bytes per step: each table folds one byte position, so the loop has no
    // byte-to-byte dependency chain.
    for (; i < end8; i += 8) {
      const a = (crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
      crc =
        t7[a & 0xff]! ^
        t6[(a >>> 8) & 0xff]! ^
        t5[(a >>> 16) & 0xff]! ^
        t4[a >>> 24]! ^
        t3[data[i + 4]!]! ^
        t2[data[i + 5]!]! ^
        t1[data[i + 6]!]! ^
        t0[data[i + 7]!]!;
    }
    for (; i < n; i++) crc = (crc >>> 8) ^ t0[(crc ^ data[i]!) & 0xff]!;
    return ~crc >>> 0;
  };
}

/** The native implementation, or null when the module cannot load on this platform. */
export function loadNativeCrc32c(): Crc32cFunction | null {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@node-rs/crc32') as { crc32c: (input: Buffer, initial?: number) => number };
    const native = mod.crc32c;
    // Check it really is Castagnoli before trusting it with every batch.
    if (native(Buffer.from('123456789')) >>> 0 !== 0xe3069283) return null;
    return (data, initial = 0) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      return native(buf, initial) >>> 0;
    };
  } catch {
    return null;
  }
}

const native = loadNativeCrc32c();

/** Which implementation `crc32c` uses: 'native' or 'js'. */
export const crc32cImplementation: 'native' | 'js' = native ? 'native' : 'js';

/** CRC-32C of `data` (continuing from `initial`), the fastest implementation available. */
export const crc32c: Crc32cFunction = native ?? createJsCrc32c();
