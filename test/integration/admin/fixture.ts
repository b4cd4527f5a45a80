import { onTestFinished } from 'vitest';
import { AdminServer, type AdminServerOptions } from '../../../src/admin/index.js';
import { Bus } from '../../../src/core/bus.js';
import type { FaultRuleInput, FaultRuleView } from '../../../src/core/contracts.js';
import type { InstanceRef } from '../../../src/core/events/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { syncRegistry } from '../../../src/system/registry-sync.js';
import { SystemController, type FaultTableView, type SlotView } from '../../../src/system/control.js';

/** A small in-memory fault table with the shape the mesh's will have. */
export class MemoryFaults implements FaultTableView {
  readonly rules = new Map<string, FaultRuleView>();
  #next = 1;
  set(rule: FaultRuleInput): FaultRuleView {
    if (rule.callee !== undefined && !['order', 'user', 'kafka', '*'].includes(rule.callee)) {
      throw Object.assign(new Error(`unknown service "${rule.callee}" in the fault rule`), { userError: true });
    }
    const action = rule.delay !== undefined ? `delay ${rule.delay}` : rule.status !== undefined ? `status ${rule.status}` : rule.cut ? 'cut' : rule.abort ? 'abort' : rule.drop ? 'drop' : 'broker';
    const view: FaultRuleView = { id: rule.id ?? `f${this.#next++}`, source: 'runtime', caller: rule.caller ?? '*', callee: rule.callee ?? '*', path: rule.path ?? '*', methods: rule.methods ?? [], percent: rule.percent ?? 100, action, hits: 0 };
    this.rules.set(view.id, view);
    return view;
  }
  clear(id: string): boolean {
    return this.rules.delete(id);
  }
  clearAll(): void {
    this.rules.clear();
  }
  list(): FaultRuleView[] {
    return [...this.rules.values()];
  }
}

/** What the supervisor's slots expose, kept current from the Bus's instance events. */
class Slots {
  readonly #slots = new Map<string, SlotView & { state: string; pid: number | undefined }>();
  constructor(bus: Bus) {
    bus.on('instance.state', (e) => {
      const key = `${e.ref.service}/${e.ref.instance}`;
      const prev = this.#slots.get(key);
      this.#slots.set(key, { ref: e.ref, state: e.state, pid: e.pid ?? prev?.pid, port: e.port ?? prev?.port ?? 0 });
    });
  }
  list(service?: string): SlotView[] {
    return [...this.#slots.values()].filter((s) => service === undefined || s.ref.service === service).sort((a, b) => a.ref.instance - b.ref.instance);
  }
}

export interface AdminFixture {
  bus: Bus;
  registry: Registry;
  faults: MemoryFaults;
  restarts: string[];
  control: SystemController;
  server: AdminServer;
  url: string;
  /** publishes an instance.state event (the registry and slots follow it, as in a system) */
  state(ref: InstanceRef, state: 'starting' | 'ready' | 'exited' | 'backoff', port?: number): void;
}

/**
 * A real AdminServer on 127.0.0.1:0 over a SystemController fed by a real Bus and Registry:
 * services order (managed, one instance, ready), user (managed, two instances: 0 ready,
 * 1 starting) and legacy (unmanaged). Stopped when the test finishes.
 */
export async function startAdmin(options: Partial<AdminServerOptions> = {}): Promise<AdminFixture> {
  const bus = new Bus();
  const registry = new Registry();
  const faults = new MemoryFaults();
  const restarts: string[] = [];
  const slots = new Slots(bus);
  const off = syncRegistry(bus, registry, '127.0.0.1');
  registry.declareService('order');
  registry.declareService('user');
  registry.addUnmanaged('legacy', 'http://127.0.0.1:1');
  registry.setKafka('127.0.0.1:9092');
  const control = new SystemController({
    name: 'shop',
    addresses: () => ({ gatewayUrl: 'http://127.0.0.1:9000', locatorUrl: 'http://127.0.0.1:9008', kafkaBrokers: '127.0.0.1:9092' }),
    registry,
    slots: (service) => slots.list(service),
    declared: [
      { name: 'order', kind: 'managed', instances: 1 },
      { name: 'user', kind: 'managed', instances: 2 },
      { name: 'legacy', kind: 'unmanaged' },
    ],
    stats: {
      edges: () => [{ caller: 'gateway', callee: 'order', requests: 12, ratePerSec: 0.2, errors: 1, errorRate: 1 / 12, p50: 3.5, p95: 9, p99: 12.25 }],
      routes: () => [],
    },
    faults,
    restart: async (service) => {
      restarts.push(service);
    },
    subscribe: (listener) => bus.subscribe(listener),
  });
  const server = new AdminServer({ control, host: '127.0.0.1', port: 0, ...options });
  await server.start();
  onTestFinished(async () => {
    await server.stop();
    off();
  });
  const state: AdminFixture['state'] = (ref, s, port) => bus.publish({ type: 'instance.state', ref, state: s, ...(port !== undefined ? { port, pid: 1000 + port } : {}), ts: Date.now() });
  state({ service: 'order', instance: 0 }, 'starting', 41000);
  state({ service: 'order', instance: 0 }, 'ready', 41000);
  state({ service: 'user', instance: 0 }, 'ready', 41001);
  state({ service: 'user', instance: 1 }, 'starting', 41002);
  return { bus, registry, faults, restarts, control, server, url: server.url, state };
}
