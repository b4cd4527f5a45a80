/**
 * A small BrokerFaultState for tests: plain setters, listeners told of each change. The
 * mesh's fault table implements the same interface.
 */
import type { BrokerFaultState } from '../../../src/core/contracts.js';

export class TestFaults implements BrokerFaultState {
  #down = false;
  readonly #produceErrors = new Map<string, number>();
  readonly #delays = new Map<string, number>();
  readonly #paused = new Set<string>();
  readonly #listeners = new Set<() => void>();

  get down(): boolean {
    return this.#down;
  }
  produceError(topic: string): number {
    return this.#produceErrors.get(topic) ?? 0;
  }
  deliveryDelayMs(topic: string): number {
    return this.#delays.get(topic) ?? 0;
  }
  groupPaused(group: string): boolean {
    return this.#paused.has(group);
  }
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setDown(down: boolean): void {
    this.#down = down;
    this.#changed();
  }
  setProduceError(topic: string, code: number): void {
    if (code === 0) this.#produceErrors.delete(topic);
    else this.#produceErrors.set(topic, code);
    this.#changed();
  }
  setDelay(topic: string, ms: number): void {
    if (ms <= 0) this.#delays.delete(topic);
    else this.#delays.set(topic, ms);
    this.#changed();
  }
  setPaused(group: string, paused: boolean): void {
    if (paused) this.#paused.add(group);
    else this.#paused.delete(group);
    this.#changed();
  }
  /** listeners currently subscribed (the broker unsubscribes when it stops) */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  #changed(): void {
    for (const l of [...this.#listeners]) l();
  }
}
