/**
 * A steady HTTP load at a fixed rate over keep-alive connections (node:http Agent, which
 * never retries), recording every answer: when it arrived, whether it succeeded, and the
 * value of one response header (the reload bench's version marker). Failures are counted
 * by kind: a non-2xx status, or a connection error (refused, reset, timed out).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  /** performance.now() when the response headers (or the error) arrived */
  at: number;
  /** HTTP status, or 0 for a connection error */
  status: number;
  /** the watched header's value, or undefined */
  marker: string | undefined;
  /** for failures: the status line or the error code */
  detail?: string;
}

export interface SteadyLoadOptions {
  url: string;
  /** requests per second */
  rate: number;
  /** the response header to record (lower case) */
  markerHeader: string;
  /** requests still unanswered beyond this are not sent (counted as skipped); default 256 */
  maxInFlight?: number;
  /** per-request timeout (default 10 s, longer than devmode's gateway wait) */
  timeoutMs?: number;
}

export interface LoadCounts {
  sent: number;
  ok: number;
  non2xx: number;
  connectionErrors: number;
  skipped: number;
}

/** Sends GET `url` at `rate` per second until stop(); every answer goes to the listeners. */
export class SteadyLoad {
  readonly #options: Required<SteadyLoadOptions>;
  readonly #agent: http.Agent;
  readonly #listeners = new Set<(answer: Answer) => void>();
  readonly #counts: LoadCounts = { sent: 0, ok: 0, non2xx: 0, connectionErrors: 0, skipped: 0 };
  readonly #answers: Answer[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #due = 0;
  #idle: (() => void) | undefined;

  constructor(options: SteadyLoadOptions) {
    this.#options = { maxInFlight: 256, timeoutMs: 10_000, ...options };
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  get counts(): Readonly<LoadCounts> {
    return { ...this.#counts };
  }

  /** Every failed answer so far (successes are not kept). */
  get failures(): readonly Answer[] {
    return this.#answers;
  }

  onAnswer(listener: (answer: Answer) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#timer) return;
    this.#startedAt = performance.now();
    // A short tick sends the requests due so far, so the rate holds even when timers are late.
    this.#timer = setInterval(() => this.#tick(), 2);
  }

  /** Stops sending, waits (bounded) for answers in flight, closes the connections. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        setTimeout(resolve, this.#options.timeoutMs + 1_000).unref();
      });
    }
    this.#agent.destroy();
  }

  #tick(): void {
    const target = Math.floor(((performance.now() - this.#startedAt) / 1000) * this.#options.rate);
    while (this.#due < target) {
      this.#due++;
      if (this.#inFlight >= this.#options.maxInFlight) this.#counts.skipped++;
      else this.#send();
    }
  }

  #send(): void {
    this.#inFlight++;
    this.#counts.sent++;
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      if (answer.status >= 200 && answer.status < 300) this.#counts.ok++;
      else {
        if (answer.status === 0) this.#counts.connectionErrors++;
        else this.#counts.non2xx++;
        this.#answers.push(answer);
      }
      for (const listener of this.#listeners) listener(answer);
      if (this.#inFlight === 0) this.#idle?.();
    };
    const req = http.get(this.#options.url, { agent: this.#agent, timeout: this.#options.timeoutMs }, (res) => {
      const at = performance.now();
      const value = res.headers[this.#options.markerHeader];
      const marker = Array.isArray(value) ? value[0] : value;
      const status = res.statusCode ?? 0;
      // Drain the body so the connection is reused; the answer counts once the body is in.
      res.resume();
      res.once('error', () => {});
      res.once('close', () => {
        if (!res.complete) settle({ at: performance.now(), status: 0, marker: undefined, detail: 'response cut short' });
        else settle({ at, status, marker, ...(status >= 300 ? { detail: `${status} ${res.statusMessage ?? ''}`.trim() } : {}) });
      });
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', (error: NodeJS.ErrnoException) => settle({ at: performance.now(), status: 0, marker: undefined, detail: error.code ?? error.message }));
  }
}
