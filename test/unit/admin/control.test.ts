import { describe, expect, test } from 'vitest';
import { Bus } from '../../../src/core/bus.js';
import type { BrokerIntrospection } from '../../../src/core/contracts.js';
import { Registry } from '../../../src/locator/registry.js';
import type { FaultTable, TrafficStats } from '../../../src/mesh/index.js';
import type { InstanceSlot } from '../../../src/supervisor/index.js';
import { SystemController, type FaultTableView, UnknownServiceError, type SlotView, type SystemControllerDeps } from '../../../src/system/control.js';

function controller(over: Partial<SystemControllerDeps> = {}, slots: SlotView[] = []): { control: SystemController; registry: Registry; restarts: string[]; bus: Bus } {
  const registry = new Registry();
  const bus = new Bus();
  const restarts: string[] = [];
  const control = new SystemController({
    name: 'shop',
    addresses: () => {
      throw new Error('System is not started');
    },
    registry,
    slots: (service) => slots.filter((s) => service === undefined || s.ref.service === service),
    restart: async (s) => void restarts.push(s),
    subscribe: (l) => bus.subscribe(l),
    ...over,
  });
  return { control, registry, restarts, bus };
}

describe('SystemController.snapshot', () => {
  test('lists declared services in order, instances from the slots and the registry, not-yet-started ones as waiting', async () => {
    const slots: SlotView[] = [{ ref: { service: 'user', instance: 0 }, state: 'backoff', pid: undefined, port: 5001, lastError: 'exited with code 1' }];
    const { control, registry } = controller({ declared: [{ name: 'user', kind: 'managed', instances: 2 }, { name: 'legacy', kind: 'unmanaged' }] }, slots);
    registry.declareService('user');
    registry.addUnmanaged('legacy', 'http://127.0.0.1:7000');
    registry.setKafka('127.0.0.1:9092');
    registry.register({ name: 'late', url: 'http://127.0.0.1:7001' });
    const s = await control.snapshot();
    expect(s).toMatchObject({ name: 'shop', gatewayUrl: '', locatorUrl: '', kafkaBrokers: '', edges: [], routes: [], topics: [], groups: [], faults: [] });
    expect(s.services).toEqual([
      {
        name: 'user',
        kind: 'managed',
        instances: [
          { instance: 0, state: 'backoff', pid: null, port: 5001, url: 'http://127.0.0.1:5001', why: 'exited with code 1' },
          { instance: 1, state: 'waiting', pid: null, port: null, url: null, why: null },
        ],
      },
      { name: 'legacy', kind: 'unmanaged', instances: [{ instance: 0, state: 'ready', pid: null, port: 7000, url: 'http://127.0.0.1:7000', why: null }] },
      { name: 'late', kind: 'unmanaged', instances: [{ instance: 0, state: 'ready', pid: null, port: 7001, url: 'http://127.0.0.1:7001', why: null }] },
    ]);
  });

  test('a broker that does not answer leaves topics and groups empty instead of stalling', async () => {
    const never = new Promise<never>(() => {});
    const introspection: BrokerIntrospection = { topics: () => never, groups: () => Promise.reject(new Error('down')), recentRecords: () => never };
    const { control } = controller({ introspection, introspectionTimeoutMs: 50 });
    const s = await control.snapshot();
    expect(s.topics).toEqual([]);
    expect(s.groups).toEqual([]);
  });
});

describe('SystemController commands', () => {
  test('restart: managed services go to the system; unknown and unmanaged ones are user errors', async () => {
    const { control, registry, restarts } = controller({ declared: [{ name: 'order', kind: 'managed', instances: 1 }] });
    registry.addUnmanaged('legacy', 'http://127.0.0.1:7000');
    await control.restart('order');
    expect(restarts).toEqual(['order']);
    await expect(control.restart('odrer')).rejects.toThrow(UnknownServiceError);
    await expect(control.restart('odrer')).rejects.toMatchObject({ userError: true, status: 404, hint: 'did you mean "order"?' });
    await expect(control.restart('legacy')).rejects.toMatchObject({ userError: true, status: 409, message: expect.stringContaining('not started by devmode') });
    expect(restarts).toEqual(['order']);
  });

  test('without a fault table, faults read empty and setting one is refused (501)', () => {
    const { control } = controller();
    expect(control.faults()).toEqual([]);
    expect(control.clearFault('x')).toBe(false);
    expect(() => control.setFault({ cut: true })).toThrow(expect.objectContaining({ userError: true, status: 501 }));
  });

  test('subscribe passes the live events through', () => {
    const { control, bus } = controller();
    const seen: string[] = [];
    const off = control.subscribe((e) => seen.push(e.type));
    bus.publish({ type: 'broker.stopped', ts: 0 });
    off();
    bus.publish({ type: 'broker.stopped', ts: 0 });
    expect(seen).toEqual(['broker.stopped']);
  });
});

// system/ hands the supervisor's slots in as they are: keep the shapes compatible.
export type PartsFit = [InstanceSlot extends SlotView ? true : never, FaultTable extends FaultTableView ? true : never, TrafficStats extends NonNullable<SystemControllerDeps['stats']> ? true : never];
const fits: PartsFit = [true, true, true];
void fits;
