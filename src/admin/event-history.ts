import type { DevmodeEvent } from '../core/events/index.js';

/** An event with its position in the admin API's stream (the SSE `id:`). */
export interface NumberedEvent {
  readonly seq: number;
  readonly event: DevmodeEvent;
}

/**
 * The last `capacity` events, so `GET /events?since=30s` (and an SSE client reconnecting
 * with Last-Event-ID) can catch up on what it missed. A ring: memory is bounded however
 * long devmode runs.
 */
export class EventHistory {
  readonly #ring: (NumberedEvent | undefined)[];
  #next = 1;

  constructor(capacity = 1000) {
    this.#ring = new Array<NumberedEvent | undefined>(Math.max(1, capacity));
  }

  /** Records an event; returns its sequence number. */
  add(event: DevmodeEvent): number {
    const seq = this.#next++;
    this.#ring[seq % this.#ring.length] = { seq, event };
    return seq;
  }

  /** The sequence number the next event will get. */
  get nextSeq(): number {
    return this.#next;
  }

  /** Retained events with seq > afterSeq, oldest first. */
  after(afterSeq: number): NumberedEvent[] {
    const out: NumberedEvent[] = [];
    const first = Math.max(afterSeq + 1, this.#next - this.#ring.length);
    for (let seq = first; seq < this.#next; seq++) {
      const entry = this.#ring[seq % this.#ring.length];
      if (entry && entry.seq === seq) out.push(entry);
    }
    return out;
  }
}
