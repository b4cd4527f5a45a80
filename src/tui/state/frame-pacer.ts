/**
 * How long the screen waits before it is drawn again for a change in the Store (a key or a
 * command's answer is drawn at once, whatever this says). About ten frames a second; when
 * the TUI's process spends more than its budget of a core (a system printing tens of
 * thousands of log lines a second makes every frame a new screen, and Ink lays out and
 * writes each one whole), frames come less often, down to `maxMs` apart, and speed up
 * again once the load is gone. The TUI must not slow the system it shows: its frames are
 * what can give, the events it folds are not.
 */
export interface FramePacerOptions {
  /** the interval while within budget (default 100 ms: about 10 frames a second) */
  minMs?: number;
  /** the longest interval under load (default 400 ms) */
  maxMs?: number;
  /** share of one core the process may use before frames slow down (default 0.15) */
  budget?: number;
  /** how often the share is measured (default 1000 ms) */
  windowMs?: number;
  /** CPU microseconds used by this process so far (default process.cpuUsage) */
  cpuMicros?: () => number;
  /** clock in ms (default performance.now) */
  now?: () => number;
}

export class FramePacer {
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #budget: number;
  readonly #windowMs: number;
  readonly #cpuMicros: () => number;
  readonly #now: () => number;
  #intervalMs: number;
  #windowStart: number;
  #cpuAtStart: number;

  constructor(options: FramePacerOptions = {}) {
    this.#minMs = options.minMs ?? 100;
    this.#maxMs = options.maxMs ?? 400;
    this.#budget = options.budget ?? 0.15;
    this.#windowMs = options.windowMs ?? 1000;
    this.#cpuMicros = options.cpuMicros ?? (() => {
      const u = process.cpuUsage();
      return u.user + u.system;
    });
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs = this.#minMs;
    this.#windowStart = this.#now();
    this.#cpuAtStart = this.#cpuMicros();
  }

  /** The wait before the next frame; measures the process's share of a core once a window has passed. */
  next(): number {
    const now = this.#now();
    const elapsed = now - this.#windowStart;
    if (elapsed >= this.#windowMs) {
      const cpu = this.#cpuMicros();
      const share = (cpu - this.#cpuAtStart) / 1000 / elapsed;
      // Slower at once when over budget; faster step by step, well under it, so it does not flap.
      if (share > this.#budget) this.#intervalMs = Math.min(this.#maxMs, this.#intervalMs * 2);
      else if (share < this.#budget * 0.6) this.#intervalMs = Math.max(this.#minMs, this.#intervalMs / 1.5);
      this.#windowStart = now;
      this.#cpuAtStart = cpu;
    }
    return this.#intervalMs;
  }
}
