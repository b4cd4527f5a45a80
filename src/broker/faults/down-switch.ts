/**
 * Broker down and back up: follows the fault state's `down` flag by closing the listener
 * and every connection, and listening again on the same port when it clears. Transitions
 * run one at a time; a flag that flips during one is applied after it.
 */
import type { BrokerEvent } from '../../core/events/index.js';

/** What the switch drives: the broker's TCP server. */
export interface Suspendable {
  /** Stops accepting and closes every connection; returns how many were closed. */
  suspend(): Promise<number>;
  /** Listens again on the same address; rejects when it cannot (the port was taken meanwhile). */
  resume(): Promise<void>;
  /** "host:port", for events */
  bootstrap(): string;
}

/** How long to wait before trying to listen again when the port was taken meanwhile. */
const RELISTEN_RETRY_MS = 500;

export class DownSwitch {
  readonly #target: Suspendable;
  readonly #wanted: () => boolean;
  readonly #publish: (e: BrokerEvent) => void;
  #isDown = false;
  #downSince = 0;
  #running: Promise<void> | null = null;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  #relistenFailed = false;
  #again = false;

  /** `wanted()` says whether the broker should be down now. */
  constructor(target: Suspendable, wanted: () => boolean, publish: (e: BrokerEvent) => void) {
    this.#target = target;
    this.#wanted = wanted;
    this.#publish = publish;
  }

  get isDown(): boolean {
    return this.#isDown;
  }

  /** Brings the server in line with `wanted()`; resolves when it is (or the switch closed). */
  sync(): Promise<void> {
    if (this.#running) {
      // the loop re-reads wanted() after each transition; this makes it look once more
      this.#again = true;
      return this.#running;
    }
    const loop = async (): Promise<void> => {
      await null; // always settle after #running is set below
      try {
        do {
          this.#again = false;
          await this.#run();
        } while (this.#again && !this.#closed);
      } finally {
        this.#running = null;
      }
    };
    this.#running = loop();
    return this.#running;
  }

  /** No more transitions (broker stopping); waits for one under way. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#closed && this.#wanted() !== this.#isDown) {
      if (!this.#isDown) {
        this.#isDown = true;
        this.#downSince = Date.now();
        const closed = await this.#target.suspend();
        this.#publish({ type: 'broker.down', reason: 'fault', connectionsClosed: closed, ts: Date.now() });
        continue;
      }
      try {
        await this.#target.resume();
      } catch (error) {
        if (!this.#relistenFailed) {
          // said once: the retries that follow are silent until it works
          this.#relistenFailed = true;
          const why = error instanceof Error ? error.message : String(error);
          this.#publish({ type: 'broker.down', reason: `cannot listen again on ${this.#target.bootstrap()} (${why}); retrying`, connectionsClosed: 0, ts: Date.now() });
        }
        this.#retry ??= setTimeout(() => {
          this.#retry = null;
          void this.sync();
        }, RELISTEN_RETRY_MS);
        return;
      }
      this.#isDown = false;
      this.#relistenFailed = false;
      const now = Date.now();
      this.#publish({ type: 'broker.up', bootstrap: this.#target.bootstrap(), downForMs: now - this.#downSince, ts: now });
    }
  }
}
