import type { InstanceAddress, InstanceResolver } from '../core/contracts.js';
import type { Acl, Registration, RegistryInstance, RegistryState, ServiceEntry, ServiceOrigin } from './types.js';

interface ServiceRecord {
  name: string;
  origin: ServiceOrigin;
  acls: Acl[];
  /** by instance index */
  instances: Map<number, RegistryInstance>;
  pendingReason: string | null;
  /** why a managed service has no instance and none is coming (its first build failed) */
  notStarted: string | null;
  /** round-robin position for `pick` */
  next: number;
  /** ready() as last built; every write goes through #changed, which drops it */
  ready: readonly InstanceAddress[] | undefined;
}

/** Thrown by waitReady; `reason` tells the gateway which answer fits (503 vs 502 vs 404). */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'down' | 'unknown' | 'aborted',
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/** Default ports of URL schemes, for unmanaged URLs that leave the port out. */
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'tcp:': 9092 };

/**
 * The service registry: which services exist, their instances, and which are ready.
 * Pure data (no I/O). Implements InstanceResolver for the gateway and the mesh, and
 * notifies listeners on every change so route tables and waiters update.
 *
 * Pending: a service is pending (callers should wait) while one of its instances is
 * 'starting', or from `markPending` until an instance is ready or `clearPending`.
 */
export class Registry implements InstanceResolver {
  readonly #services = new Map<string, ServiceRecord>();
  readonly #listeners = new Set<(service: string) => void>();

  // --- Writes (system/ and the locator API) ---

  /** Declares a managed service before its instances exist (so it counts as pending, not unknown). */
  declareService(name: string): void {
    this.#record(name, 'managed');
    this.#changed(name);
  }

  /** Adds or replaces one instance of a managed service (state defaults to 'starting'). */
  upsertInstance(input: { service: string; instance: number; host: string; port: number; state?: RegistryState; why?: string }): void {
    const record = this.#record(input.service, 'managed');
    record.notStarted = null;
    const previous = record.instances.get(input.instance);
    const state = input.state ?? 'starting';
    record.instances.set(input.instance, {
      service: input.service,
      instance: input.instance,
      host: input.host,
      port: input.port,
      url: httpUrl(input.host, input.port),
      state,
      why: state === 'down' ? input.why : undefined,
      generation: (previous?.generation ?? -1) + 1,
    });
    if (state === 'ready') record.pendingReason = null;
    this.#changed(input.service);
  }

  /** Changes an instance's state; `why` explains a 'down'. Unknown instances are ignored. */
  setState(service: string, instance: number, state: RegistryState, why?: string): void {
    const current = this.#services.get(service)?.instances.get(instance);
    if (!current) return;
    current.state = state;
    current.why = state === 'down' ? (why ?? current.why ?? 'stopped') : undefined;
    if (state === 'ready') this.#services.get(service)!.pendingReason = null;
    this.#changed(service);
  }

  /**
   * Points an instance at a new address in one step (a reload's new process is ready):
   * the next request goes to the new port, requests in flight finish on the old one.
   */
  swapInstance(service: string, instance: number, address: { host?: string; port: number }): void {
    const record = this.#record(service, 'managed');
    const current = record.instances.get(instance);
    const host = address.host ?? current?.host ?? '127.0.0.1';
    record.instances.set(instance, {
      service,
      instance,
      host,
      port: address.port,
      url: httpUrl(host, address.port),
      state: 'ready',
      why: undefined,
      generation: (current?.generation ?? -1) + 1,
    });
    record.pendingReason = null;
    this.#changed(service);
  }

  /** A restart or reload is under way: callers should wait for the service rather than fail. */
  markPending(service: string, reason: string): void {
    this.#record(service, 'managed').pendingReason = reason;
    this.#changed(service);
  }

  /**
   * A managed service that will not start until something changes (its first build failed):
   * callers are answered at once with `reason` instead of waiting. Its first instance clears it.
   */
  markNotStarted(service: string, reason: string): void {
    this.#record(service, 'managed').notStarted = reason;
    this.#changed(service);
  }

  /** Ends a `markPending` without a ready instance (the restart failed: callers should fail now). */
  clearPending(service: string): void {
    const record = this.#services.get(service);
    if (!record || record.pendingReason === null) return;
    record.pendingReason = null;
    this.#changed(service);
  }

  /** Adds a service devmode does not run (a URL from the config, or the broker): always ready. */
  addUnmanaged(name: string, url: string, origin: ServiceOrigin = 'unmanaged'): void {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const port = parsed.port ? Number(parsed.port) : (DEFAULT_PORTS[parsed.protocol] ?? 80);
    const record = this.#record(name, origin);
    record.origin = origin;
    record.instances.clear();
    record.instances.set(0, {
      service: name,
      instance: 0,
      host,
      port,
      url: url.replace(/\/+$/, ''),
      state: 'ready',
      why: undefined,
      generation: 0,
    });
    this.#changed(name);
  }

  /** Registers the Kafka broker under Lagom's name `kafka_native` (e.g. `tcp://127.0.0.1:9092`). */
  setKafka(bootstrap: string): void {
    this.addUnmanaged('kafka_native', bootstrap.includes('://') ? bootstrap : `tcp://${bootstrap}`, 'kafka');
  }

  /**
   * Lagom's self-registration. The URL must be absolute; ACLs become gateway routes.
   * Throws a TypeError naming the problem for a malformed registration.
   */
  register(registration: Registration): void {
    const existing = this.#services.get(registration.name);
    if (existing && existing.origin === 'managed') {
      throw new TypeError(`service '${registration.name}' is managed by devmode and cannot be registered over it`);
    }
    for (const acl of registration.acls ?? []) new RegExp(acl.pathRegex); // throws SyntaxError for a bad pattern
    this.addUnmanaged(registration.name, registration.url, 'registered');
    this.#services.get(registration.name)!.acls = (registration.acls ?? []).map((acl) => ({
      method: acl.method ? acl.method.toUpperCase() : null,
      pathRegex: acl.pathRegex,
    }));
    this.#changed(registration.name);
  }

  /** Removes a registered service. Returns false when there was none (managed ones stay). */
  unregister(name: string): boolean {
    const record = this.#services.get(name);
    if (!record || record.origin === 'managed') return false;
    this.#services.delete(name);
    this.#changed(name);
    return true;
  }

  // --- Reads ---

  ready(service: string): readonly InstanceAddress[] {
    const record = this.#services.get(service);
    if (!record) return [];
    // Asked once per proxied call: the list is kept until the service changes, not made per call.
    if (record.ready) return record.ready;
    const out: InstanceAddress[] = [];
    for (const i of record.instances.values()) {
      if (i.state === 'ready') out.push(Object.freeze({ service, instance: i.instance, host: i.host, port: i.port, url: i.url }));
    }
    record.ready = Object.freeze(out);
    return record.ready;
  }

  pending(service: string): boolean {
    const record = this.#services.get(service);
    if (!record) return false;
    if (record.pendingReason !== null) return true;
    for (const i of record.instances.values()) if (i.state === 'starting') return true;
    // declared but no instance reported yet: it is coming (unless its build failed)
    return record.origin === 'managed' && record.instances.size === 0 && record.notStarted === null;
  }

  whyDown(service: string): string | undefined {
    const record = this.#services.get(service);
    if (!record) return `service '${service}' is not registered`;
    const instances = [...record.instances.values()];
    if (instances.some((i) => i.state === 'ready')) return undefined;
    if (record.pendingReason) return record.pendingReason;
    if (instances.length === 0 && record.notStarted) return record.notStarted;
    const reasons = instances.filter((i) => i.state === 'down').map((i) => (instances.length > 1 ? `instance ${i.instance}: ${i.why}` : `${i.why}`));
    if (reasons.length > 0) return reasons.join('; ');
    if (instances.some((i) => i.state === 'starting')) return 'starting';
    return 'no instance has started';
  }

  waitReady(service: string, timeoutMs: number, signal?: AbortSignal): Promise<readonly InstanceAddress[]> {
    const now = this.ready(service);
    if (now.length > 0) return Promise.resolve(now);
    const check = (): NotReadyError | readonly InstanceAddress[] | null => {
      if (!this.#services.has(service)) return new NotReadyError(`service '${service}' is not registered`, 'unknown');
      const ready = this.ready(service);
      if (ready.length > 0) return ready;
      if (!this.pending(service)) return new NotReadyError(`service '${service}' is down: ${this.whyDown(service)}`, 'down');
      return null;
    };
    const first = check();
    if (first instanceof NotReadyError) return Promise.reject(first);
    return new Promise((resolve, reject) => {
      const finish = (outcome: NotReadyError | readonly InstanceAddress[]) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof NotReadyError) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => finish(new NotReadyError(`waiting for '${service}' was cancelled`, 'aborted'));
      const timer = setTimeout(
        () => finish(new NotReadyError(`service '${service}' was not ready within ${timeoutMs} ms (${this.whyDown(service) ?? 'pending'})`, 'timeout')),
        timeoutMs,
      );
      const unsubscribe = this.onChange((changed) => {
        if (changed !== service) return;
        const outcome = check();
        if (outcome) finish(outcome);
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** One ready instance, round-robin (for the locator's lookup), or undefined. */
  pick(service: string): InstanceAddress | undefined {
    const ready = this.ready(service);
    const record = this.#services.get(service);
    if (!record || ready.length === 0) return undefined;
    const chosen = ready[record.next++ % ready.length];
    return chosen;
  }

  /** Every registered service's ACLs, in registration order (the gateway routes them). */
  acls(): { service: string; method: string | null; pathRegex: string }[] {
    const out: { service: string; method: string | null; pathRegex: string }[] = [];
    for (const record of this.#services.values()) for (const acl of record.acls) out.push({ service: record.name, ...acl });
    return out;
  }

  /** Whether a service of this name is known. */
  has(service: string): boolean {
    return this.#services.has(service);
  }

  /** Snapshot of one service, or undefined. */
  get(service: string): ServiceEntry | undefined {
    const record = this.#services.get(service);
    return record ? this.#entry(record) : undefined;
  }

  /** Snapshot of every service, in the order they became known. */
  list(): ServiceEntry[] {
    return [...this.#services.values()].map((r) => this.#entry(r));
  }

  /** Calls `listener(serviceName)` after every change. Returns the unsubscribe function. */
  onChange(listener: (service: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #entry(record: ServiceRecord): ServiceEntry {
    const instances = [...record.instances.values()].sort((a, b) => a.instance - b.instance).map((i) => ({ ...i }));
    return {
      name: record.name,
      origin: record.origin,
      url: instances.find((i) => i.state === 'ready')?.url ?? null,
      pendingReason: record.pendingReason,
      notStarted: record.notStarted,
      acls: record.acls.map((a) => ({ ...a })),
      instances,
    };
  }

  #record(name: string, origin: ServiceOrigin): ServiceRecord {
    let record = this.#services.get(name);
    if (!record) {
      record = { name, origin, acls: [], instances: new Map(), pendingReason: null, notStarted: null, next: 0, ready: undefined };
      this.#services.set(name, record);
    }
    return record;
  }

  #changed(service: string): void {
    const record = this.#services.get(service);
    if (record) record.ready = undefined;
    for (const listener of [...this.#listeners]) {
      try {
        listener(service);
      } catch {
        // A broken listener must not stop the registry or the other listeners.
      }
    }
  }
}

function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
