import { traceIdOf, type DevmodeEvent, type EventOf } from '../core/events/index.js';
import { AdminHttpError } from './http-json.js';

/**
 * The line a sampled stream carries about once a second saying how many exchanges it left
 * out since the last one. Not a DevmodeEvent: it exists only on the admin API's wire, and
 * unlike `admin.dropped` nothing was lost by accident, so a reader need not read again.
 */
export interface SampledMarker {
  type: 'admin.sampled';
  /** exchanges not sent since the previous marker */
  skipped: number;
  /** the stream's `max-rps` */
  maxRps: number;
  ts: number;
}

/** How long one count of exchanges runs before the kept fraction is computed again. */
const WINDOW_MS = 1000;
const TWO_TO_32 = 0x1_0000_0000;

/**
 * `GET /events?max-rps=N`: keeps about N `http.exchange` events a second for one stream (a
 * TUI cannot show 5,000 calls a second, and serialising them all cost devmode and the TUI a
 * core between them; its rates and percentiles come from the snapshot, not from these).
 *
 * - Failed calls (status 0 or >= 500, answered by devmode, or changed by a fault) are
 *   always kept: someone filtering the tap for failures must see every one.
 * - The others are kept or skipped by trace: a call is kept when its trace id, read as a
 *   number in [0, 1), is below the kept fraction, so every call of a kept trace is kept
 *   (the TUI links a call to the calls it caused by trace id). W3C trace ids are random,
 *   so that is a fair sample. A call without a traceparent is judged by its own id's hash
 *   the same way (nothing to keep it together with).
 * - The fraction is min(1, N / exchanges of the previous second): the rate is known only
 *   after the fact, and a second is short enough to follow a burst. So a stream's first
 *   second (and the first after a quiet spell) sends every call.
 *
 * Other events pass untouched. One per stream; not shared (its counts are that stream's).
 */
export class TapSampler {
  readonly maxRps: number;
  #windowStart: number;
  /** exchanges seen in the current window (kept or not) */
  #seen = 0;
  #fraction = 1;
  /** skipped since the last report */
  #skipped = 0;

  constructor(maxRps: number, now: number = Date.now()) {
    this.maxRps = maxRps;
    this.#windowStart = now;
  }

  /** Whether to send `event`. */
  keep(event: DevmodeEvent, now: number): boolean {
    if (event.type !== 'http.exchange') return true;
    if (now - this.#windowStart >= WINDOW_MS) this.#roll(now);
    this.#seen++;
    if (this.#fraction >= 1 || failed(event) || unitHash(event) < this.#fraction) return true;
    this.#skipped++;
    return false;
  }

  /** The marker for what was skipped since the last one; null when nothing was. */
  report(now: number): SampledMarker | null {
    if (now - this.#windowStart >= WINDOW_MS) this.#roll(now);
    if (this.#skipped === 0) return null;
    const marker: SampledMarker = { type: 'admin.sampled', skipped: this.#skipped, maxRps: this.maxRps, ts: now };
    this.#skipped = 0;
    return marker;
  }

  #roll(now: number): void {
    // a window with no exchange after the last one (a quiet spell) means a rate of zero
    const seen = now - this.#windowStart >= 2 * WINDOW_MS ? 0 : this.#seen;
    this.#fraction = seen <= this.maxRps ? 1 : this.maxRps / seen;
    this.#windowStart = now;
    this.#seen = 0;
  }
}

/** `max-rps=N` of a `GET /events` query: a positive integer, or null (absent or 0: every exchange). */
export function parseMaxRps(params: URLSearchParams): number | null {
  const text = params.get('max-rps')?.trim();
  if (text === undefined || text === '') return null;
  if (!/^\d{1,9}$/.test(text)) throw new AdminHttpError(400, `max-rps=${text} is not a whole number of calls a second`, 'use e.g. max-rps=500 (at most about 500 calls a second; failures are always sent), or max-rps=0 for every call');
  const n = Number(text);
  return n === 0 ? null : n;
}

/** Calls a developer hunting failures must see, every one of them. */
function failed(event: EventOf<'http.exchange'>): boolean {
  return event.status === 0 || event.status >= 500 || event.error !== undefined || event.fault !== undefined;
}

/** The trace id's first 32 bits as a number in [0, 1) (trace ids are random); else the call id's hash. */
function unitHash(event: EventOf<'http.exchange'>): number {
  const traceId = traceIdOf(event.traceparent);
  const head = traceId === null ? NaN : parseInt(traceId.slice(0, 8), 16);
  return Number.isNaN(head) ? fnv1a(event.id) / TWO_TO_32 : head / TWO_TO_32;
}

/** FNV-1a, 32 bits: call ids are not random (counters), so they are hashed, not read. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
