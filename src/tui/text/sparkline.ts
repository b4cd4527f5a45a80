const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a bar per value, scaled to the largest; blanks for zero. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  let out = '';
  for (const v of shown) out += v <= 0 || max === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))];
  return out.padStart(width, ' ');
}
