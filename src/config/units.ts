/**
 * Durations and sizes as written in devmode.yaml. The regexes here are also the
 * patterns in the JSON Schema, so editors and the loader agree on what is valid.
 */

export { DURATION_PATTERN, parseDuration } from '../util/duration.js';

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
};

/** `256MiB`, `1GB`, `512k` (compose's binary k/m/g), or a bare number of bytes; units ignore case. */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgGtT]([iI]?[bB])?)?\\s*$';

/** A size in bytes from a number (already bytes) or a string; undefined if invalid. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (!new RegExp(SIZE_PATTERN).test(value)) return undefined;
  const match = /(\d+(?:\.\d+)?)\s*([a-z]*)/i.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : SIZE_UNITS[unit];
  return factor === undefined ? undefined : Math.floor(Number(match[1]) * factor);
}
