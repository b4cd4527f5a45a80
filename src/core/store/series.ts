import type { SeriesView } from './snapshot.js';

/**
 * Requests and errors per bucket (a minute by default) over the last `buckets` buckets,
 * for sparklines: a fixed ring of counters per key, read in one pass.
 */
export class Series {
  readonly #bucketMs: number;
  readonly #buckets: number;
  readonly #requests: Uint32Array;
  readonly #errors: Uint32Array;
  /** the bucket number (clock / bucketMs) each slot counts; -1 empty */
  readonly #bucketOf: Float64Array;

  constructor(buckets: number, bucketMs: number) {
    this.#buckets = Math.max(1, buckets);
    this.#bucketMs = Math.max(1, bucketMs);
    this.#requests = new Uint32Array(this.#buckets);
    this.#errors = new Uint32Array(this.#buckets);
    this.#bucketOf = new Float64Array(this.#buckets).fill(-1);
  }

  record(nowMs: number, error: boolean): void {
    const bucket = Math.floor(nowMs / this.#bucketMs);
    const slot = bucket % this.#buckets;
    if (this.#bucketOf[slot] !== bucket) {
      if (this.#bucketOf[slot]! > bucket) return; // older than the ring: too late to count
      this.#bucketOf[slot] = bucket;
      this.#requests[slot] = 0;
      this.#errors[slot] = 0;
    }
    this.#requests[slot]!++;
    if (error) this.#errors[slot]!++;
  }

  /** The last `buckets` buckets up to the one holding `nowMs`, oldest first (empty ones 0). */
  view(nowMs: number): SeriesView {
    const current = Math.floor(nowMs / this.#bucketMs);
    const requests: number[] = new Array<number>(this.#buckets);
    const errors: number[] = new Array<number>(this.#buckets);
    for (let i = 0; i < this.#buckets; i++) {
      const bucket = current - (this.#buckets - 1 - i);
      const slot = ((bucket % this.#buckets) + this.#buckets) % this.#buckets;
      const live = this.#bucketOf[slot] === bucket;
      requests[i] = live ? this.#requests[slot]! : 0;
      errors[i] = live ? this.#errors[slot]! : 0;
    }
    return Object.freeze({ bucketMs: this.#bucketMs, requests: Object.freeze(requests), errors: Object.freeze(errors) });
  }
}
