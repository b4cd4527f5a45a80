/**
 * Restart policy: whether an exited instance is restarted, and after how long. Pure: time is
 * passed in, so tests drive it with a fake clock.
 */

export type RestartPolicy = 'always' | 'on-failure' | 'no';

export interface BackoffOptions {
  /** first restart delay */
  initialMs: number;
  /** the delay never grows past this */
  maxMs: number;
  factor: number;
  /** an instance that stayed up this long starts the sequence over */
  resetAfterMs: number;
  /** this many restarts within `crashLoopWindowMs` marks a crash loop */
  crashLoopRestarts: number;
  crashLoopWindowMs: number;
}

/** 250 ms doubling to 30 s; up 10 s resets; 5 restarts in a minute is a crash loop. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 250,
  maxMs: 30_000,
  factor: 2,
  resetAfterMs: 10_000,
  crashLoopRestarts: 5,
  crashLoopWindowMs: 60_000,
});

/** Whether an instance that ended this way is restarted under `policy` (docker compose's meaning). */
export function shouldRestart(policy: RestartPolicy, exit: { code: number | null; signal: string | null; requested: boolean }): boolean {
  if (exit.requested) return false;
  switch (policy) {
    case 'always':
      return true;
    case 'on-failure':
      // A clean exit (code 0) on its own is not a failure; a signal, a code or a readiness timeout is.
      return exit.signal !== null || exit.code !== 0;
    case 'no':
      return false;
  }
}

export interface RestartDecision {
  /** wait this long before spawning again */
  delayMs: number;
  /** 1 for the first restart of a sequence */
  attempt: number;
  /** too many restarts within the window: show it (restarts go on, with the growing delay) */
  crashLoop: boolean;
}

/** The growing delay between restarts of one instance slot. */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;
  #restarts: number[] = [];

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** An instance that ran for `uptimeMs` ended at `now` and will be restarted: when, and is it a loop. */
  next(now: number, uptimeMs: number): RestartDecision {
    const o = this.#options;
    if (uptimeMs >= o.resetAfterMs) this.reset();
    const delayMs = Math.min(o.maxMs, Math.round(o.initialMs * o.factor ** this.#attempt));
    this.#attempt++;
    this.#restarts = this.#restarts.filter((t) => now - t < o.crashLoopWindowMs);
    this.#restarts.push(now);
    return { delayMs, attempt: this.#attempt, crashLoop: this.#restarts.length >= o.crashLoopRestarts };
  }

  /** Forget the history (a new version was deployed, or the instance proved healthy). */
  reset(): void {
    this.#attempt = 0;
    this.#restarts = [];
  }
}
