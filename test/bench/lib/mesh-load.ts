/**
 * An open-loop HTTP load at a fixed rate that runs until stopped, over an undici Pool of
 * keep-alive connections. Latency is taken from the moment each request is handed to the
 * client to the end of its body, and kept whole (not only p50/p99), so a run can be cut in
 * phases and the maximum shows a stall. Pacing uses timers, not a busy loop, so the load
 * generator leaves the machine's cores to what it measures; how late the sends were (the
 * generator's own lag) is reported beside the figures, to tell its stalls from the target's.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** One request to send. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  /** JSON text, sent with content-type application/json */
  body?: string;
}

export interface FixedRateOptions {
  /** origin, e.g. http://127.0.0.1:9000 */
  origin: string;
  /** requests per second */
  rate: number;
  /** the next request to send (called once per request) */
  next: () => RequestSpec;
  /** called with each answer's status and body text (for traffic that builds on answers) */
  onAnswer?: (spec: RequestSpec, status: number, body: string) => void;
  /** statuses that count as success (default: 2xx) */
  ok?: (status: number) => boolean;
  /** keep-alive connections (default 32) */
  connections?: number;
}

/** Latencies of the answered requests and the failures, over one stretch of a load. */
export interface LoadWindow {
  latenciesMs: Float64Array;
  /** requests answered with a status `ok` rejects */
  badStatus: number;
  /** requests that failed without an answer (refused, reset, timed out) */
  errors: number;
  /** the latest a request was sent after its scheduled time in this window */
  maxSendLagMs: number;
  seconds: number;
}

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** p50/p99/max of latencies in ms (NaN when empty). */
export function percentiles(latencies: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]! };
}

/** Sends `next()` at `rate` per second from start() until stop(). */
export class FixedRateLoad {
  readonly #options: FixedRateOptions;
  readonly #pool: Pool;
  readonly #inFlight = new Set<Promise<void>>();
  #latencies: number[] = [];
  #badStatus = 0;
  #errors = 0;
  #maxLag = 0;
  #windowStart = 0;
  #t0 = 0;
  #sent = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: FixedRateOptions) {
    this.#options = options;
    this.#pool = new Pool(options.origin, {
      connections: options.connections ?? 32,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      // A stalled target shows as a long latency, not as an error, up to this long.
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#t0 = performance.now();
    this.#windowStart = this.#t0;
    this.#sent = 0;
    this.#tick();
  }

  /** Ends the current window (what was answered since the last cut) and starts the next. */
  cut(): LoadWindow {
    const now = performance.now();
    const window: LoadWindow = {
      latenciesMs: Float64Array.from(this.#latencies),
      badStatus: this.#badStatus,
      errors: this.#errors,
      maxSendLagMs: this.#maxLag,
      seconds: (now - this.#windowStart) / 1000,
    };
    this.#latencies = [];
    this.#badStatus = 0;
    this.#errors = 0;
    this.#maxLag = 0;
    this.#windowStart = now;
    return window;
  }

  /** Stops sending, waits for the requests in flight, and returns the last window. */
  async stop(): Promise<LoadWindow> {
    this.#running = false;
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight);
    const last = this.cut();
    await this.#pool.destroy();
    return last;
  }

  #tick = (): void => {
    if (!this.#running) return;
    const interval = 1000 / this.#options.rate;
    const now = performance.now();
    const due = Math.floor((now - this.#t0) / interval) + 1;
    while (this.#sent < due) {
      const scheduled = this.#t0 + this.#sent * interval;
      this.#maxLag = Math.max(this.#maxLag, now - scheduled);
      this.#sent++;
      this.#send(this.#options.next());
    }
    const nextAt = this.#t0 + this.#sent * interval;
    this.#timer = setTimeout(this.#tick, Math.max(0, nextAt - performance.now()));
  };

  #send(spec: RequestSpec): void {
    const sentAt = performance.now();
    const request = this.#pool
      .request({
        method: spec.method,
        path: spec.path,
        body: spec.body,
        headers: spec.body === undefined ? undefined : { 'content-type': 'application/json' },
      })
      .then(async ({ statusCode, body }) => {
        const text = await body.text();
        this.#latencies.push(performance.now() - sentAt);
        if (!(this.#options.ok ?? ((s: number) => s >= 200 && s < 300))(statusCode)) this.#badStatus++;
        this.#options.onAnswer?.(spec, statusCode, text);
      })
      .catch(() => {
        this.#errors++;
      })
      .finally(() => this.#inFlight.delete(request));
    this.#inFlight.add(request);
  }
}

/** Runs a fixed-rate load for `seconds` and returns its one window. */
export async function runFixedRate(options: FixedRateOptions, seconds: number): Promise<LoadWindow> {
  const load = new FixedRateLoad(options);
  load.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return load.stop();
}

/** Merges windows of the same leg (latencies concatenated, counts summed, worst lag). */
export function mergeWindows(windows: readonly LoadWindow[]): LoadWindow {
  const total = windows.reduce((n, w) => n + w.latenciesMs.length, 0);
  const latenciesMs = new Float64Array(total);
  let offset = 0;
  for (const w of windows) {
    latenciesMs.set(w.latenciesMs, offset);
    offset += w.latenciesMs.length;
  }
  return {
    latenciesMs,
    badStatus: windows.reduce((n, w) => n + w.badStatus, 0),
    errors: windows.reduce((n, w) => n + w.errors, 0),
    maxSendLagMs: Math.max(0, ...windows.map((w) => w.maxSendLagMs)),
    seconds: windows.reduce((n, w) => n + w.seconds, 0),
  };
}
