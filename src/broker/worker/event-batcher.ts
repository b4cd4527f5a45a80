/**
 * Carries the worker's broker events to the main thread in small batches: one message per
 * FLUSH_MS or per MAX_BATCH events, whichever comes first, so a burst of appends costs a
 * few postMessage calls instead of one each. Order is kept.
 */
import type { BrokerEvent } from '../../core/events/index.js';

/** How long an event may wait for others before it is sent. */
const FLUSH_MS = 5;
/** Sent at once past this many events. */
const MAX_BATCH = 256;

export class EventBatcher {
  readonly #post: (events: BrokerEvent[]) => void;
  #pending: BrokerEvent[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(post: (events: BrokerEvent[]) => void) {
    this.#post = post;
  }

  /** Queues one event. */
  push(event: BrokerEvent): void {
    this.#pending.push(event);
    if (this.#pending.length >= MAX_BATCH) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what is queued now. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#post(events);
  }
}
