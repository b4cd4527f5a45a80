/** How far back rates look: "the last few seconds". */
const WINDOW_MS = 5000;

/**
 * Turns a monotonic total sampled now and then (a topic's summed high watermarks) into a
 * per-second rate over the last few seconds. Views poll at their own pace; a rate needs
 * two samples at least 200 ms apart, else it reports the previous rate.
 */
export class RateMeter {
  readonly #samples = new Map<string, { ts: number; total: number }[]>();
  readonly #last = new Map<string, number>();

  rate(key: string, total: number, now: number): number {
    let samples = this.#samples.get(key);
    if (!samples) this.#samples.set(key, (samples = []));
    samples.push({ ts: now, total });
    while (samples.length > 2 && now - samples[0]!.ts > WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const dt = now - first.ts;
    if (dt < 200) return this.#last.get(key) ?? 0;
    // a recreated topic restarts at 0: never report a negative rate
    const rate = Math.max(0, ((total - first.total) * 1000) / dt);
    this.#last.set(key, rate);
    return rate;
  }

  /** Forget keys not seen in the latest listing (deleted topics). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#samples.keys()) {
      if (!keys.has(key)) {
        this.#samples.delete(key);
        this.#last.delete(key);
      }
    }
  }
}
