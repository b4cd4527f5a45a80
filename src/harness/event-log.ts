import type { Bus } from '../core/bus.js';
import type { DevmodeEvent, EventOf, EventType } from '../core/events/index.js';

/** A bounded record of a Bus's events with waiting: what tests assert on. */
export class EventLog {
  readonly #capacity: number;
  readonly #events: { seq: number; event: DevmodeEvent }[] = [];
  readonly #waiters = new Set<(entry: { seq: number; event: DevmodeEvent }) => void>();
  readonly #unsubscribe: () => void;
  #seq = 0;

  constructor(bus: Bus, capacity: number) {
    this.#capacity = capacity;
    this.#unsubscribe = bus.subscribe((event) => {
      const entry = { seq: ++this.#seq, event };
      this.#events.push(entry);
      if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity);
      for (const w of [...this.#waiters]) w(entry);
    });
  }

  mark(): number {
    return this.#seq;
  }

  events<T extends EventType>(type?: T): EventOf<T>[] {
    return this.#events.filter((e) => type === undefined || e.event.type === type).map((e) => e.event as EventOf<T>);
  }

  waitFor<T extends EventType>(type: T, match: (event: EventOf<T>) => boolean, timeoutMs: number, since: number): Promise<EventOf<T>> {
    const fits = (entry: { seq: number; event: DevmodeEvent }) => entry.seq > since && entry.event.type === type && match(entry.event as EventOf<T>);
    const seen = this.#events.find(fits);
    if (seen) return Promise.resolve(seen.event as EventOf<T>);
    const error = new Error(`no '${type}' event matched within ${timeoutMs} ms`);
    return new Promise((resolve, reject) => {
      const waiter = (entry: { seq: number; event: DevmodeEvent }) => {
        if (!fits(entry)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(entry.event as EventOf<T>);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const recent = this.events(type).slice(-10).map((e) => JSON.stringify(e)).join('\n');
        error.message += recent ? `; the last '${type}' events:\n${recent}` : `; none of that type was seen`;
        reject(error);
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#unsubscribe();
    this.#waiters.clear();
  }
}
