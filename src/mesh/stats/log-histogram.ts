/**
 * Fixed log-scale latency buckets: bucket i > 0 holds values in
 * [MIN·RATIO^(i-1), MIN·RATIO^i), so a percentile read from a bucket's geometric middle is
 * within ±5% of the true value, from 10 µs to ~100 s in 171 counters. Fixed buckets keep
 * memory constant however many samples arrive, and make windows additive.
 */
const MIN_MS = 0.01;
const RATIO = 1.1;
const LOG_RATIO = Math.log(RATIO);
/** number of counters in one histogram */
export const BUCKETS = 171;

/** The bucket a latency (ms) falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const i = Math.floor(Math.log(ms / MIN_MS) / LOG_RATIO) + 1;
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** The value a bucket stands for: its geometric middle (0 for the first, below 10 µs). */
export function bucketValue(i: number): number {
  return i === 0 ? 0 : MIN_MS * RATIO ** (i - 0.5);
}

/** The q-quantile (0..1) of a histogram holding `total` samples; 0 when empty. */
export function quantile(counts: Uint32Array, total: number, q: number): number {
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(counts.length - 1);
}
