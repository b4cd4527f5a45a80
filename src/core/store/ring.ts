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

  /**
   * Replaces each of the newest `n` items by `settle(item)`, in place: the tap keeps the
   * event it was given and makes its view entry only when a view is asked for, once.
   * Weights are not recounted: for rings without a weight bound.
   */
  settleNewest(n: number, settle: (item: T) => T): void {
    for (let i = Math.max(0, this.#size - n); i < this.#size; i++) {
      const at = (this.#head + i) % this.#capacity;
      this.#items[at] = settle(this.#items[at] as T);
    }
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
