import type { Store } from '../../core/store/index.js';
import type { TracedMessage } from '../derive/call-detail.js';

const KEEP = 1000;

/**
 * The messages produced with a trace id (from the broker's append events, which carry the
 * records' traceparents for small batches), so a selected call shows the messages it
 * produced. Bounded; fed synchronously by the Store's event feed, a few field reads each.
 */
export class TraceIndex {
  readonly #messages: TracedMessage[] = [];
  readonly #off: () => void;
  #version = 0;

  constructor(store: Store) {
    this.#off = store.onEvent((event) => {
      if (event.type !== 'broker.append' || !event.traceparents) return;
      event.traceparents.forEach((tp, i) => {
        const traceId = tp.split('-')[1];
        if (!traceId) return;
        this.#messages.push({ traceId, topic: event.topic, partition: event.partition, offset: event.baseOffset + i, service: event.service ?? null, ts: event.ts });
      });
      if (this.#messages.length > KEEP) this.#messages.splice(0, this.#messages.length - KEEP);
      this.#version++;
    });
  }

  get version(): number {
    return this.#version;
  }

  messages(): readonly TracedMessage[] {
    return this.#messages;
  }

  close(): void {
    this.#off();
  }
}
