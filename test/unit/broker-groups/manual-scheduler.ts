import type { Cancel, Scheduler } from '../../../src/broker/groups/scheduler.js';

/** A Scheduler driven by hand: time moves only in `advance`, so timeouts are exact and instant. */
export class ManualScheduler implements Scheduler {
  #now = 0;
  #seq = 0;
  readonly #tasks = new Map<number, { at: number; fn: () => void }>();

  get now(): number {
    return this.#now;
  }
  /** callbacks scheduled and not yet run or cancelled */
  get pending(): number {
    return this.#tasks.size;
  }

  schedule(delayMs: number, fn: () => void): Cancel {
    const id = this.#seq++;
    this.#tasks.set(id, { at: this.#now + Math.max(0, delayMs), fn });
    return () => this.#tasks.delete(id);
  }

  /** Runs every callback due within `ms`, in deadline order (then scheduling order). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#tasks) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#tasks.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = target;
  }
}
