import type { EdgeStatsView } from '../../core/contracts.js';
import { BUCKETS, bucketOf, quantile } from './log-histogram.js';

interface Slot {
  /** the second (clock ms / 1000, floored) this slot counts; -1 when empty */
  second: number;
  requests: number;
  errors: number;
  latency: Uint32Array;
}

/** What a window holds now: an edge's figures without its names (errorRate 0..1). */
export type WindowSnapshot = Omit<EdgeStatsView, 'caller' | 'callee'>;

/**
 * Requests, errors and a latency histogram over the last `seconds` seconds, in one slot
 * per second (a ring) plus a running sum of the slots, so reading percentiles costs one
 * pass over the buckets whatever the traffic. Memory is fixed at construction.
 */
export class SlidingWindow {
  readonly #seconds: number;
  readonly #slots: Slot[];
  readonly #sum = new Uint32Array(BUCKETS);
  #requests = 0;
  #errors = 0;
  #samples = 0;
  #firstSecond = -1;

  constructor(seconds = 60) {
    this.#seconds = seconds;
    this.#slots = Array.from({ length: seconds }, () => ({ second: -1, requests: 0, errors: 0, latency: new Uint32Array(BUCKETS) }));
  }

  /** Counts one request at clock time `nowMs`; `latencyMs` null for one without a latency (a WebSocket). */
  record(nowMs: number, latencyMs: number | null, error: boolean): void {
    const second = Math.floor(nowMs / 1000);
    if (this.#firstSecond === -1) this.#firstSecond = second;
    const slot = this.#slots[second % this.#seconds]!;
    if (slot.second !== second) {
      if (slot.second > second) return; // a late sample older than the window's slot: drop it
      this.#expire(slot);
      slot.second = second;
    }
    slot.requests++;
    this.#requests++;
    if (error) {
      slot.errors++;
      this.#errors++;
    }
    if (latencyMs !== null) {
      const b = bucketOf(latencyMs);
      slot.latency[b]!++;
      this.#sum[b]!++;
      this.#samples++;
    }
  }

  /** The window's figures at clock time `nowMs` (slots older than the window are dropped first). */
  snapshot(nowMs: number): WindowSnapshot {
    const now = Math.floor(nowMs / 1000);
    for (const slot of this.#slots) if (slot.second !== -1 && slot.second <= now - this.#seconds) this.#expire(slot);
    // A window younger than its length would understate the rate: divide by what it covers.
    const span = this.#firstSecond === -1 ? 1 : Math.max(1, Math.min(this.#seconds, now - this.#firstSecond + 1));
    return {
      requests: this.#requests,
      ratePerSec: this.#requests / span,
      errors: this.#errors,
      errorRate: this.#requests === 0 ? 0 : this.#errors / this.#requests,
      p50: quantile(this.#sum, this.#samples, 0.5),
      p95: quantile(this.#sum, this.#samples, 0.95),
      p99: quantile(this.#sum, this.#samples, 0.99),
    };
  }

  /** Bytes held by the counters (constant: for tests that check memory stays flat). */
  get footprintBytes(): number {
    return (this.#slots.length + 1) * BUCKETS * 4;
  }

  #expire(slot: Slot): void {
    if (slot.second === -1) return;
    this.#requests -= slot.requests;
    this.#errors -= slot.errors;
    const latency = slot.latency;
    for (let i = 0; i < BUCKETS; i++) {
      const n = latency[i]!;
      if (n !== 0) {
        this.#sum[i]! -= n;
        this.#samples -= n;
        latency[i] = 0;
      }
    }
    slot.second = -1;
    slot.requests = 0;
    slot.errors = 0;
  }
}
