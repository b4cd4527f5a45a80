import type { RingView } from './snapshot.js';

/**
 * A bounded FIFO that counts what it drops, with an optional second bound on a weight
 * (bytes of log text). view() is cached until the next change, so a quiet ring costs
 * nothing per snapshot and a busy one one copy per snapshot, not per item.
 */
export class Ring<T> {
  readonly #capacity: number;
  readonly #maxWeight: number;
  readonly #weigh: ((item: T) => number) | undefined;
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #weight = 0;
  #dropped = 0;
  #view: RingView<T> | undefined;

  constructor(capacity: number, bound?: { maxWeight: number; weigh: (item: T) => number }) {
    this.#capacity = Math.max(1, Math.floor(capacity));
    this.#items = new Array<T | undefined>(this.#capacity);
    this.#maxWeight = bound?.maxWeight ?? Infinity;
    this.#weigh = bound?.weigh;
  }

  get size(): number {
    return this.#size;
  }

  get dropped(): number {
    return this.#dropped;
  }

  push(item: T): void {
    this.#view = undefined;
    if (this.#size === this.#capacity) this.#shift();
    this.#items[(this.#head + this.#size) % this.#capacity] = item;
    this.#size++;
    if (this.#weigh) {
      this.#weight += this.#weigh(item);
      // Keep the newest item even when it alone is over the bound (it was cut to fit before).
      while (this.#weight > this.#maxWeight && this.#size > 1) this.#shift();
    }
  }

  /** Replaces the newest item (a WebSocket entry completed by its close), if `match` accepts it. */
  replaceLast(match: (item: T) => boolean, next: T, within = 64): boolean {
    for (let i = this.#size - 1; i >= Math.max(0, this.#size - within); i--) {
      const at = (this.#head + i) % this.#capacity;
      const item = this.#items[at] as T;
      if (match(item)) {
        if (this.#weigh) this.#weight += this.#weigh(next) - this.#weigh(item);
        this.#items[at] = next;
        this.#view = undefined;
        return true;
      }
    }
    return false;
  }

  /** Empties the ring and its dropped count (a remote Store's re-seed). */
  clear(): void {
    this.#items = new Array<T | undefined>(this.#capacity);
    this.#head = 0;
    this.#size = 0;
    this.#weight = 0;
    this.#dropped = 0;
    this.#view = undefined;
  }

  /** Counts items that were never kept (e.g. seeded from a remote ring's dropped count). */
  addDropped(n: number): void {
    this.#dropped += n;
    this.#view = undefined;
  }

  /** Items oldest first (a fresh array). */
  toArray(): T[] {
    const out = new Array<T>(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#items[(this.#head + i) % this.#capacity] as T;
    return out;
  }

  /** The newest item for which `pick` holds, scanning back from the newest. */
  findLast(pick: (item: T) => boolean): T | undefined {
    for (let i = this.#size - 1; i >= 0; i--) {
      const item = this.#items[(this.#head + i) % this.#capacity] as T;
      if (pick(item)) return item;
    }
    return undefined;
  }

  view(): RingView<T> {
    this.#view ??= Object.freeze({ items: Object.freeze(this.toArray()), dropped: this.#dropped, total: this.#dropped + this.#size });
    return this.#view;
  }

  #shift(): void {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#size--;
    this.#dropped++;
    if (this.#weigh) this.#weight -= this.#weigh(item);
  }
}
