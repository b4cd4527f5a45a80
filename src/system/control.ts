import type { BrokerIntrospection, EdgeStatsView, FaultRuleInput, FaultRuleView, RouteStatsView, SystemControl, SystemSnapshot, TopologyView } from '../core/contracts.js';
import type { DevmodeEvent, InstanceRef } from '../core/events/index.js';
import type { ServiceEntry } from '../locator/types.js';
import { suggest } from '../util/suggest.js';

/** What the controller reads of one supervised instance (the supervisor's InstanceSlot fits). */
export interface SlotView {
  readonly ref: InstanceRef;
  readonly state: string;
  readonly pid: number | undefined;
  readonly port: number;
  readonly lastError?: string | null;
}

/** The mesh's fault table as the controller uses it. */
export interface FaultTableView {
  set(rule: FaultRuleInput): FaultRuleView;
  clear(id: string): boolean;
  clearAll(): void;
  list(): FaultRuleView[];
}

/** The pieces of a running system the controller is built from; missing ones read as empty. */
export interface SystemControllerDeps {
  name: string;
  /** throws or returns empty strings before the system has started: both are fine */
  addresses(): { gatewayUrl: string; locatorUrl: string; kafkaBrokers: string };
  registry: { list(): readonly ServiceEntry[] };
  slots(service?: string): readonly SlotView[];
  /** the services of the config, in order, so instances not started yet are listed (state 'waiting') */
  declared?: readonly { name: string; kind: 'managed' | 'unmanaged'; instances?: number }[];
  stats?: { edges(): EdgeStatsView[]; routes(): RouteStatsView[] };
  topology?: () => TopologyView;
  introspection?: BrokerIntrospection;
  faults?: FaultTableView;
  /** the mesh's body capture */
  capture?: {
    enable(target?: { caller?: string; callee?: string }): void;
    disable(target?: { caller?: string; callee?: string }): void;
    enabled(): { caller: string; callee: string }[];
    list(): unknown[];
  };
  restart(service: string): Promise<void>;
  subscribe(listener: (event: DevmodeEvent) => void): () => void;
  /** how long snapshot() waits for the broker's topics and groups (default 2000 ms) */
  introspectionTimeoutMs?: number;
}

/** A command named a service the system does not have (the admin API answers 404). */
export class UnknownServiceError extends Error {
  readonly userError = true;
  readonly status = 404;
  readonly hint: string;
  constructor(service: string, known: readonly string[]) {
    super(`there is no service named "${service}"`);
    this.name = 'UnknownServiceError';
    const near = suggest(service, known);
    this.hint = near ? `did you mean "${near}"?` : known.length > 0 ? `services: ${known.join(', ')}` : 'the system has no services';
  }
}

/** A command the system cannot carry out as configured (no fault table, an unmanaged service). */
export class CommandRefusedError extends Error {
  readonly userError = true;
  readonly status: number;
  readonly hint: string;
  constructor(message: string, hint: string, status = 409) {
    super(message);
    this.name = 'CommandRefusedError';
    this.status = status;
    this.hint = hint;
  }
}

type ServiceSnapshot = SystemSnapshot['services'][number];
type InstanceSnapshot = ServiceSnapshot['instances'][number];

/**
 * SystemControl over a running system's parts, for the admin API, the TUI and the harness.
 * Built from narrow, injected views of the parts so it can be tested without a whole system.
 */
export class SystemController implements SystemControl {
  readonly #deps: SystemControllerDeps;

  constructor(deps: SystemControllerDeps) {
    this.#deps = deps;
  }

  async snapshot(): Promise<SystemSnapshot> {
    const deps = this.#deps;
    let addresses = { gatewayUrl: '', locatorUrl: '', kafkaBrokers: '' };
    try {
      addresses = deps.addresses();
    } catch {
      // not started yet: the addresses are not known
    }
    const [topics, groups] = await Promise.all([this.#broker((b) => b.topics()), this.#broker((b) => b.groups())]);
    return {
      name: deps.name,
      ...addresses,
      services: this.#services(),
      edges: deps.stats?.edges() ?? [],
      routes: deps.stats?.routes() ?? [],
      topology: deps.topology?.() ?? { observed: [], undeclared: [], unused: [] },
      topics,
      groups,
      faults: this.faults(),
    };
  }

  async restart(service: string): Promise<void> {
    const entry = this.#services().find((s) => s.name === service);
    if (!entry) throw new UnknownServiceError(service, this.#services().map((s) => s.name));
    if (entry.kind === 'unmanaged') {
      const url = entry.instances[0]?.url;
      throw new CommandRefusedError(`${service} is not started by devmode${url ? ` (it runs at ${url})` : ''}, so devmode cannot restart it`, 'restart it where it runs');
    }
    await this.#deps.restart(service);
  }

  setFault(rule: FaultRuleInput): FaultRuleView {
    return this.#faults().set(rule);
  }

  clearFault(id: string): boolean {
    return this.#deps.faults?.clear(id) ?? false;
  }

  clearFaults(): void {
    this.#deps.faults?.clearAll();
  }

  faults(): FaultRuleView[] {
    return this.#deps.faults?.list() ?? [];
  }

  captureOn(target: { caller?: string; callee?: string }): void {
    if (!this.#deps.capture) throw new CommandRefusedError('body capture is not available in this system', 'it needs the mesh (devmode up)');
    this.#deps.capture.enable(target);
  }

  captureOff(target?: { caller?: string; callee?: string }): void {
    this.#deps.capture?.disable(target);
  }

  captured(): { enabled: { caller: string; callee: string }[]; exchanges: unknown[] } {
    return { enabled: this.#deps.capture?.enabled() ?? [], exchanges: this.#deps.capture?.list() ?? [] };
  }

  subscribe(listener: (event: DevmodeEvent) => void): () => void {
    return this.#deps.subscribe(listener);
  }

  #faults(): FaultTableView {
    if (!this.#deps.faults) throw new CommandRefusedError('fault injection is not available in this devmode', 'faults need the mesh; run the system with devmode up', 501);
    return this.#deps.faults;
  }

  /** Declared services first (config order), then any registered at run time; the broker's own entry is not a service. */
  #services(): ServiceSnapshot[] {
    const entries = new Map<string, ServiceEntry>();
    for (const e of this.#deps.registry.list()) if (e.origin !== 'kafka') entries.set(e.name, e);
    const names = [...(this.#deps.declared ?? []).map((d) => d.name), ...entries.keys()];
    const out: ServiceSnapshot[] = [];
    for (const name of new Set(names)) {
      const declared = this.#deps.declared?.find((d) => d.name === name);
      const entry = entries.get(name);
      const slots = this.#deps.slots(name);
      const managed = slots.length > 0 || (declared ? declared.kind === 'managed' : entry?.origin === 'managed');
      out.push({ name, kind: managed ? 'managed' : 'unmanaged', instances: managed ? managedInstances(slots, entry, declared?.instances) : registryInstances(entry) });
    }
    return out;
  }

  async #broker<T>(read: (b: BrokerIntrospection) => Promise<T[]>): Promise<T[]> {
    const introspection = this.#deps.introspection;
    if (!introspection) return [];
    // A broker that is down or slow (container mode, a broker-down fault) must not stall /state.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T[]>((resolve) => (timer = setTimeout(() => resolve([]), this.#deps.introspectionTimeoutMs ?? 2000)));
    try {
      return await Promise.race([read(introspection).catch(() => []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function managedInstances(slots: readonly SlotView[], entry: ServiceEntry | undefined, declaredCount: number | undefined): InstanceSnapshot[] {
  const byIndex = new Map<number, InstanceSnapshot>();
  for (const slot of slots) {
    const registered = entry?.instances.find((i) => i.instance === slot.ref.instance);
    const why = slot.state === 'ready' ? null : (registered?.why ?? slot.lastError ?? null);
    byIndex.set(slot.ref.instance, {
      instance: slot.ref.instance,
      state: slot.state,
      pid: slot.pid ?? null,
      port: registered?.port ?? slot.port,
      url: registered?.url ?? `http://127.0.0.1:${slot.port}`,
      why,
    });
  }
  for (const i of entry?.instances ?? []) {
    if (!byIndex.has(i.instance)) byIndex.set(i.instance, { instance: i.instance, state: i.state === 'down' ? 'exited' : i.state, pid: null, port: i.port, url: i.url, why: i.why ?? null });
  }
  // Declared but not spawned yet (waiting for a dependency or a build).
  for (let i = 0; i < (declaredCount ?? 0); i++) {
    if (!byIndex.has(i)) byIndex.set(i, { instance: i, state: 'waiting', pid: null, port: null, url: null, why: entry?.notStarted ?? null });
  }
  return [...byIndex.values()].sort((a, b) => a.instance - b.instance);
}

function registryInstances(entry: ServiceEntry | undefined): InstanceSnapshot[] {
  return (entry?.instances ?? []).map((i) => ({ instance: i.instance, state: i.state === 'down' ? 'exited' : i.state, pid: null, port: i.port, url: i.url, why: i.why ?? null }));
}
