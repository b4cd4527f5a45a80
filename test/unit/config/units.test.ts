import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../../src/config/units.js';

describe('durations', () => {
  it.each([
    [250, 250], ['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1m30s', 90_000],
    ['1.5s', 1500], [' 10s ', 10_000], [0, 0],
  ] as const)('%j is %i ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['10', '3 sec', 'forever', '', '1d', 's', '-5s'] as const)('%j is invalid', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
  it('rejects negative numbers', () => expect(parseDuration(-1)).toBeUndefined());
});

describe('sizes', () => {
  it.each([
    [1024, 1024], ['256MiB', 256 * 1024 ** 2], ['1GB', 1e9], ['1gib', 1024 ** 3], ['512k', 512 * 1024],
    ['10 KB', 10_000], ['7B', 7], ['42', 42], ['1.5KiB', 1536],
  ] as const)('%j is %i bytes', (input, bytes) => expect(parseSize(input)).toBe(bytes));

  it.each(['12 parsecs', 'MiB', '', '1 XB', '-1'] as const)('%j is invalid', (input) => {
    expect(parseSize(input)).toBeUndefined();
  });
});
