import type { SystemSnapshot } from '../../core/contracts.js';
import type { DevmodeEvent } from '../../core/events/index.js';

/**
 * Follows instance states to tell when a service (or every service) is ready: each of its
 * instances in state 'ready', and at least one instance. Seeded from `/state`, then fed the
 * events that came after the stream was opened.
 */
export class ReadinessTracker {
  readonly #target: string | null;
  /** service -> instance -> state */
  readonly #states = new Map<string, Map<number, { state: string; why: string | null }>>();
  #systemReady = false;

  /** `target` null means every service. */
  constructor(target: string | null) {
    this.#target = target;
  }

  /** Returns false when the target service is not in the snapshot. */
  seed(snapshot: SystemSnapshot): boolean {
    for (const service of snapshot.services) {
      if (!this.#tracks(service.name)) continue;
      const instances = new Map<number, { state: string; why: string | null }>();
      for (const i of service.instances) instances.set(i.instance, { state: i.state, why: i.why });
      this.#states.set(service.name, instances);
    }
    return this.#target === null || this.#states.has(this.#target);
  }

  apply(event: DevmodeEvent): void {
    if (event.type === 'system.ready' && this.#target === null) this.#systemReady = true;
    if (event.type !== 'instance.state' || !this.#tracks(event.ref.service)) return;
    let instances = this.#states.get(event.ref.service);
    if (!instances) this.#states.set(event.ref.service, (instances = new Map()));
    instances.set(event.ref.instance, { state: event.state, why: event.detail ?? null });
  }

  get ready(): boolean {
    if (this.#systemReady) return true;
    if (this.#states.size === 0) return this.#target === null;
    for (const instances of this.#states.values()) {
      if (instances.size === 0) return false;
      for (const i of instances.values()) if (i.state !== 'ready') return false;
    }
    return true;
  }

  /** How many instances the target has (for the success line). */
  get instanceCount(): number {
    let n = 0;
    for (const instances of this.#states.values()) n += instances.size;
    return n;
  }

  /** What is not ready yet: `user.1 backoff (exited with code 1)`, or that no instance exists. */
  pending(): string[] {
    const out: string[] = [];
    for (const [service, instances] of this.#states) {
      if (instances.size === 0) out.push(`${service} has no instance yet`);
      for (const [index, i] of instances) if (i.state !== 'ready') out.push(`${service}.${index} ${i.state}${i.why ? ` (${i.why})` : ''}`);
    }
    return out;
  }

  #tracks(service: string): boolean {
    return this.#target === null || this.#target === service;
  }
}
