/**
 * The broker's side of broker faults: the checks Produce and Fetch make on their hot paths,
 * reading the fault state system/ hands in (the mesh's fault table). With no fault state
 * every check is one null test; with one, a few map lookups.
 */
import type { BrokerFaultState } from '../../core/contracts.js';
import { DeliveryHold } from './delivery-hold.js';

export class FaultGate {
  #state: BrokerFaultState | null = null;
  #unsubscribe: (() => void) | null = null;
  readonly #hold = new DeliveryHold();
  readonly #listeners = new Set<() => void>();

  /** The fault state in force (null: none). */
  get state(): BrokerFaultState | null {
    return this.#state;
  }

  /** Uses `state` from now on (null: no faults); listeners hear of the switch. */
  use(state: BrokerFaultState | null): void {
    if (state === this.#state) return;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#state = state;
    if (state) this.#unsubscribe = state.onChange(() => this.#changed());
    this.#changed();
  }

  /** Stops listening to the fault state. */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#listeners.clear();
  }

  /**
   * Calls `listener` whenever any fault changes (to close connections, re-check a parked
   * fetch). Returns the cancel function.
   */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get down(): boolean {
    return this.#state?.down ?? false;
  }

  /** The error code a produce to `topic` is answered with, or 0. */
  produceError(topic: string): number {
    return this.#state ? this.#state.produceError(topic) : 0;
  }

  /** Records an append for delayed delivery, when `topic` has a delay. */
  appended(topic: string, partition: number, baseOffset: bigint, now: number): void {
    const state = this.#state;
    if (!state) return;
    const delay = state.deliveryDelayMs(topic);
    if (delay > 0) this.#hold.note(topic, partition, baseOffset, now, delay);
  }

  /** The first offset a fetch must not deliver yet, and when it becomes deliverable; null when none. */
  heldFrom(topic: string, partition: number, now: number): { offset: bigint; until: number } | null {
    const state = this.#state;
    if (!state) return null;
    const delay = state.deliveryDelayMs(topic);
    return delay > 0 ? this.#hold.heldFrom(topic, partition, now, delay) : null;
  }

  /** Whether any of these groups is paused (a fetch for one of their members gets no records). */
  paused(groups: readonly string[]): boolean {
    const state = this.#state;
    if (!state) return false;
    for (const g of groups) if (state.groupPaused(g)) return true;
    return false;
  }

  #changed(): void {
    const state = this.#state;
    this.#hold.forgetCleared((topic) => (state ? state.deliveryDelayMs(topic) : 0));
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }
}
