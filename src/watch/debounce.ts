/** Timer functions, injectable so tests can drive time (vitest fake timers work with the defaults too). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One burst of file changes, as handed to the flush callback. */
export interface Burst {
  /** the first path seen in the burst (the one that "triggered" it) */
  trigger: string;
  /** distinct paths changed in the burst */
  files: number;
  /** when the first change of the burst was seen (ms, from `now`) */
  firstAt: number;
}

export interface DebounceOptions {
  /** quiet period that ends a burst (default 50 ms) */
  quietMs?: number;
  /** a burst never lasts longer than this, so a continuous stream still flushes (default 500 ms) */
  maxWaitMs?: number;
  timers?: Timers;
  now?: () => number;
}

/**
 * Collapses a burst of changes into one flush: the flush runs once no change has been seen
 * for `quietMs`, or `maxWaitMs` after the burst's first change, whichever comes first.
 * An editor's save (write a temp file, rename, touch) or a `git checkout` is one burst.
 */
export class Debouncer {
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #flush: (burst: Burst) => void;
  #files = new Set<string>();
  #trigger: string | undefined;
  #firstAt = 0;
  #quietTimer: unknown;
  #maxTimer: unknown;

  constructor(flush: (burst: Burst) => void, options: DebounceOptions = {}) {
    this.#flush = flush;
    this.#quietMs = options.quietMs ?? 50;
    this.#maxWaitMs = Math.max(options.maxWaitMs ?? 500, this.#quietMs);
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a burst is being collected. */
  get pending(): boolean {
    return this.#trigger !== undefined;
  }

  /** Records one changed path. */
  add(file: string): void {
    if (this.#trigger === undefined) {
      this.#trigger = file;
      this.#firstAt = this.#now();
      this.#maxTimer = this.#timers.setTimeout(() => this.flushNow(), this.#maxWaitMs);
    }
    this.#files.add(file);
    if (this.#quietTimer !== undefined) this.#timers.clearTimeout(this.#quietTimer);
    this.#quietTimer = this.#timers.setTimeout(() => this.flushNow(), this.#quietMs);
  }

  /** Ends the current burst now (no-op when none). */
  flushNow(): void {
    const trigger = this.#trigger;
    if (trigger === undefined) return;
    const burst: Burst = { trigger, files: this.#files.size, firstAt: this.#firstAt };
    this.cancel();
    this.#flush(burst);
  }

  /** Drops the current burst without flushing. */
  cancel(): void {
    if (this.#quietTimer !== undefined) this.#timers.clearTimeout(this.#quietTimer);
    if (this.#maxTimer !== undefined) this.#timers.clearTimeout(this.#maxTimer);
    this.#quietTimer = undefined;
    this.#maxTimer = undefined;
    this.#trigger = undefined;
    this.#files = new Set();
  }
}
