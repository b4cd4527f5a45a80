import type { BrokerIntrospection } from '../../core/contracts.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import type { Broker, BrokerMode } from './broker.js';

/**
 * The start/stop bookkeeping every mode shares:
 *
 *   idle --start()--> starting --_open() ok--> running --stop()--> stopped
 *                        |                                            ^
 *                        +--stop() during start: wait for _open(), ---+
 *                           then _close(); start() rejects
 *
 * start() runs once (a second call returns the same promise); stop() is idempotent,
 * waits for a start in flight, then calls _close(), which must release whatever _open()
 * got as far as acquiring. `broker.started` and `broker.stopped` are published here, once.
 */
export abstract class BrokerBase implements Broker {
  abstract readonly mode: BrokerMode;
  abstract readonly reason: string;
  abstract readonly bootstrap: string;
  abstract readonly introspection: BrokerIntrospection;

  protected readonly _publish: (event: DevmodeEvent) => void;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #running = false;

  constructor(publish: (event: DevmodeEvent) => void) {
    this._publish = publish;
  }

  /** Whether stop() was called; _open() checks it between slow steps. */
  protected get _stopRequested(): boolean {
    return this.#stopping !== undefined;
  }

  protected abstract _open(): Promise<void>;
  protected abstract _close(): Promise<void>;

  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #start(): Promise<void> {
    if (this._stopRequested) throw new Error('broker stopped before it started');
    try {
      await this._open();
    } catch (error) {
      await this._close().catch(() => {});
      throw error;
    }
    if (this._stopRequested) throw new Error('broker stopped before it was ready');
    this.#running = true;
    this._publish({ type: 'broker.started', mode: this.mode, bootstrap: this.bootstrap, reason: this.reason, ts: Date.now() });
  }

  async #stop(): Promise<void> {
    if (this.#starting) await this.#starting.catch(() => {});
    await this._close();
    if (this.#running) {
      this.#running = false;
      this._publish({ type: 'broker.stopped', ts: Date.now() });
    }
  }
}
