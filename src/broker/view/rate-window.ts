/**
 * Per-second rates over a sliding window of a few seconds, from cumulative totals sampled
 * whenever a view asks (and when the window is created), so no timer runs.
 */

interface Sample {
  ts: number;
  records: number;
  bytes: number;
}

export interface Rates {
  messagesPerSec: number;
  bytesPerSec: number;
}

/** Shortest span two samples must cover for a rate; below it the previous rate stands. */
const MIN_SPAN_MS = 200;

export class RateWindow {
  readonly #windowMs: number;
  readonly #samples = new Map<string, Sample[]>();
  readonly #last = new Map<string, Rates>();

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  /**
   * Adds a sample of `key`'s totals at `now` and returns its rates over the window. For a
   * key not seen before, `zeroAt` (when its totals were 0) serves as the first sample.
   */
  sample(key: string, records: number, bytes: number, now: number, zeroAt?: number): Rates {
    let samples = this.#samples.get(key);
    if (!samples) {
      this.#samples.set(key, (samples = []));
      if (zeroAt !== undefined && zeroAt < now) samples.push({ ts: zeroAt, records: 0, bytes: 0 });
    }
    samples.push({ ts: now, records, bytes });
    // Keep the newest sample at least a window old as the baseline.
    while (samples.length > 2 && now - samples[1]!.ts >= this.#windowMs) samples.shift();
    const first = samples[0]!;
    const span = now - first.ts;
    if (span < MIN_SPAN_MS) return this.#last.get(key) ?? { messagesPerSec: 0, bytesPerSec: 0 };
    const rates = {
      // Totals restart when a topic is re-created: never a negative rate.
      messagesPerSec: Math.max(0, ((records - first.records) * 1000) / span),
      bytesPerSec: Math.max(0, ((bytes - first.bytes) * 1000) / span),
    };
    this.#last.set(key, rates);
    return rates;
  }

  /** Forgets keys not in `keys` (deleted topics). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.#samples.keys()]) {
      if (keys.has(key)) continue;
      this.#samples.delete(key);
      this.#last.delete(key);
    }
  }
}
