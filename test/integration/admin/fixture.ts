import { onTestFinished } from 'vitest';
import { AdminServer, type AdminServerOptions } from '../../../src/admin/index.js';
import { Bus } from '../../../src/core/bus.js';
import type { InstanceRef } from '../../../src/core/events/index.js';
import { EventStore } from '../../../src/core/store/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { FaultTable } from '../../../src/mesh/index.js';
import { SystemCommands } from '../../../src/system/control.js';
import { syncRegistry } from '../../../src/system/registry-sync.js';

export interface AdminFixture {
  bus: Bus;
  registry: Registry;
  store: EventStore;
  faults: FaultTable;
  /** services the commands were asked to restart, stop or start, as `verb service` */
  commands: string[];
  control: SystemCommands;
  server: AdminServer;
  url: string;
  /** publishes an instance.state event (the registry and the Store follow it, as in a system) */
  state(ref: InstanceRef, state: 'starting' | 'ready' | 'exited' | 'backoff', port?: number): void;
}

const EDGE = { caller: 'gateway', callee: 'order', requests: 12, ratePerSec: 0.2, errors: 1, errorRate: 1 / 12, p50: 3.5, p95: 9, p99: 12.25 };

/**
 * A real AdminServer on 127.0.0.1:0 over a real Store, Bus, Registry and fault table, with
 * commands that record what they were asked (no processes): services order (managed, one
 * instance, ready), user (managed, two instances: 0 ready, 1 starting) and legacy
 * (unmanaged); one edge with fixed figures. Stopped when the test finishes.
 */
export async function startAdmin(options: Partial<AdminServerOptions> = {}): Promise<AdminFixture> {
  const bus = new Bus();
  const registry = new Registry();
  const commands: string[] = [];
  const off = syncRegistry(bus, registry, '127.0.0.1');
  registry.declareService('order');
  registry.declareService('user');
  registry.addUnmanaged('legacy', 'http://127.0.0.1:1');
  registry.setKafka('127.0.0.1:9092');
  const declared = [
    { name: 'order', kind: 'managed' as const, instances: 1 },
    { name: 'user', kind: 'managed' as const, instances: 2 },
    { name: 'legacy', kind: 'unmanaged' as const, url: 'http://127.0.0.1:1' },
  ];
  const store = new EventStore({
    bus,
    name: 'shop',
    declared,
    pollMs: 0,
    sources: {
      addresses: () => ({ gatewayUrl: 'http://127.0.0.1:9000', locatorUrl: 'http://127.0.0.1:9008' }),
      traffic: { windowSec: 60, edges: () => [EDGE], routes: () => [], routeOf: (p) => p },
    },
  });
  bus.publish({ type: 'broker.started', mode: 'embedded', bootstrap: '127.0.0.1:9092', reason: 'test', ts: Date.now() });
  const faults = new FaultTable({ publish: (e) => bus.publish(e), services: ['order', 'user', 'legacy'] });
  const record = (verb: string) => async (service: string) => void commands.push(`${verb} ${service}`);
  const control = new SystemCommands({
    services: () => declared.map((d) => ({ name: d.name, kind: d.kind, url: d.kind === 'unmanaged' ? d.url : null })),
    restart: record('restart'),
    stop: record('stop'),
    start: record('start'),
    faults: () => faults,
  });
  const server = new AdminServer({ store, control, host: '127.0.0.1', port: 0, ...options });
  await server.start();
  onTestFinished(async () => {
    await server.stop();
    store.close();
    off();
  });
  const state: AdminFixture['state'] = (ref, s, port) => bus.publish({ type: 'instance.state', ref, state: s, ...(port !== undefined ? { port, pid: 1000 + port } : {}), ts: Date.now() });
  state({ service: 'order', instance: 0 }, 'starting', 41000);
  state({ service: 'order', instance: 0 }, 'ready', 41000);
  state({ service: 'user', instance: 0 }, 'starting', 41001);
  state({ service: 'user', instance: 0 }, 'ready', 41001);
  state({ service: 'user', instance: 1 }, 'starting', 41002);
  return { bus, registry, store, faults, commands, control, server, url: server.url, state };
}
