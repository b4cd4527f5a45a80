import type { DevmodeEvent, InstanceRef } from '../core/events/index.js';
import type { BackoffOptions } from './backoff.js';
import { InstanceSlot, type SlotSpec, type SwapHandle } from './instance-slot.js';
import type { GroupTracker } from './managed-process.js';

export interface SupervisorOptions {
  publish: (event: DevmodeEvent) => void;
  /** told of every process group started and gone (normally the Watchdog) */
  groups?: GroupTracker;
  /** restart delays and crash-loop threshold (defaults: DEFAULT_BACKOFF) */
  backoff?: Partial<BackoffOptions>;
  /** clock for uptime and crash-loop windows (default Date.now) */
  now?: () => number;
}

/**
 * Keeps the instance slots of the managed services running: starts them, restarts crashed
 * ones with backoff, reloads them (swap or restart) and stops them all.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots = new Map<string, InstanceSlot>();
  #stopping: Promise<void> | null = null;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  /** Nothing to prepare; present for the start/stop lifecycle every part shares. */
  async start(): Promise<void> {}

  /** Same as stopAll(). */
  stop(): Promise<void> {
    return this.stopAll();
  }

  /**
   * Starts an instance slot (spawns now) and returns it; `await slot.whenReady()` (or
   * `slot.start()`) to wait for it. A stopped slot with the same ref is replaced.
   */
  startInstance(spec: SlotSpec): InstanceSlot {
    if (this.#stopping) throw new Error('the supervisor is stopping; no new instance may start');
    const key = keyOf(spec.ref);
    const existing = this.#slots.get(key);
    if (existing && existing.state !== 'stopped') throw new Error(`instance ${key} is already running`);
    const slot = new InstanceSlot(spec, {
      publish: this.#options.publish,
      groups: this.#options.groups,
      backoff: this.#options.backoff,
      now: this.#options.now ?? Date.now,
    });
    this.#slots.set(key, slot);
    void slot.start().catch(() => {}); // callers wait with whenReady(); failures are events
    return slot;
  }

  slot(ref: InstanceRef): InstanceSlot | undefined {
    return this.#slots.get(keyOf(ref));
  }

  /** The slots of one service (instance order), or all slots. */
  slots(service?: string): InstanceSlot[] {
    return [...this.#slots.values()]
      .filter((s) => service === undefined || s.ref.service === service)
      .sort((a, b) => a.ref.instance - b.ref.instance);
  }

  /**
   * Restarts every instance of a service (stop, then start on the same port; a stopped one
   * just starts); resolves when all are ready.
   */
  async restart(service: string): Promise<void> {
    const slots = this.#serviceSlots(service);
    await Promise.all(slots.map((s) => (s.state === 'stopped' ? s.resume() : s.restart())));
  }

  /** Stops every instance of a service; they stay stopped (no restart) until startService(). */
  async stopService(service: string): Promise<void> {
    await Promise.all(this.#serviceSlots(service).map((s) => s.stop()));
  }

  /** Starts a stopped service's instances again; resolves when all are ready. */
  async startService(service: string): Promise<void> {
    await Promise.all(this.#serviceSlots(service).map((s) => s.resume()));
  }

  #serviceSlots(service: string): InstanceSlot[] {
    if (this.#stopping) throw new Error('the supervisor is stopping');
    const slots = this.slots(service);
    if (slots.length === 0) throw new Error(`no managed service named ${service}`);
    return slots;
  }

  /** Swap one instance for a new process on `port`; see InstanceSlot.replace. */
  replace(ref: InstanceRef, options: { port: number; env?: SlotSpec['env']; command?: SlotSpec['command'] }): Promise<SwapHandle> {
    const slot = this.slot(ref);
    if (!slot) return Promise.reject(new Error(`no instance ${keyOf(ref)}`));
    return slot.replace(options);
  }

  /** Stops every slot in parallel, each with its own grace period. Idempotent. */
  stopAll(): Promise<void> {
    this.#stopping ??= Promise.all([...this.#slots.values()].map((s) => s.stop())).then(() => {});
    return this.#stopping;
  }
}

function keyOf(ref: InstanceRef): string {
  return `${ref.service}#${ref.instance}`;
}
