/** Cancels a scheduled callback; calling it twice or after it ran does nothing. */
export type Cancel = () => void;

/**
 * Where the coordinator's timers come from (session, rebalance and join deadlines).
 * Injected so unit tests drive time by hand instead of sleeping.
 */
export interface Scheduler {
  schedule(delayMs: number, fn: () => void): Cancel;
}

/**
 * Real timers. They are unref'd: a pending session timeout must never keep the process
 * alive on its own (the broker's listening socket does that while it runs).
 */
export const realScheduler: Scheduler = Object.freeze({
  schedule(delayMs: number, fn: () => void): Cancel {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
});

/** One re-armable timer slot: arming it again replaces the previous deadline. */
export class TimerSlot {
  readonly #scheduler: Scheduler;
  #cancel: Cancel | null = null;

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  get armed(): boolean {
    return this.#cancel !== null;
  }

  arm(delayMs: number, fn: () => void): void {
    this.clear();
    const cancel = this.#scheduler.schedule(delayMs, () => {
      if (this.#cancel !== cancel) return;
      this.#cancel = null;
      fn();
    });
    this.#cancel = cancel;
  }

  clear(): void {
    const cancel = this.#cancel;
    this.#cancel = null;
    cancel?.();
  }
}
