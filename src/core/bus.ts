import type { DevmodeEvent, EventOf, EventType } from './events/index.js';

export type Listener<E> = (event: E) => void;

/**
 * Carries typed events from the parts to the views, synchronously and in order.
 * A listener that throws is reported through `onListenerError` and does not stop delivery
 * to the others: a broken view must never take a part down.
 */
export class Bus {
  readonly #all = new Set<Listener<DevmodeEvent>>();
  readonly #byType = new Map<EventType, Set<Listener<DevmodeEvent>>>();
  readonly #onListenerError: (error: unknown, event: DevmodeEvent) => void;

  constructor(options: { onListenerError?: (error: unknown, event: DevmodeEvent) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  publish(event: DevmodeEvent): void {
    for (const listener of this.#byType.get(event.type) ?? []) this.#deliver(listener, event);
    for (const listener of this.#all) this.#deliver(listener, event);
  }

  /** Listen to every event. Returns the function that unsubscribes. */
  subscribe(listener: Listener<DevmodeEvent>): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** Listen to one event type, typed. Returns the function that unsubscribes. */
  on<T extends EventType>(type: T, listener: Listener<EventOf<T>>): () => void {
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    const l = listener as Listener<DevmodeEvent>;
    set.add(l);
    return () => set.delete(l);
  }

  #deliver(listener: Listener<DevmodeEvent>, event: DevmodeEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.#onListenerError(error, event);
    }
  }
}
