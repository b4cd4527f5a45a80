import { describe, expect, test } from 'vitest';
import { Bus } from '../../../src/core/bus.js';
import { BROKER_DOWN_RULE } from '../../../src/core/contracts.js';
import { EventStore } from '../../../src/core/store/index.js';
import { FaultTable } from '../../../src/mesh/index.js';
import { SystemCommands, UnknownServiceError, type FaultTableView, type SystemCommandsDeps } from '../../../src/system/control.js';

function commands(over: Partial<SystemCommandsDeps> = {}): { control: SystemCommands; calls: string[] } {
  const calls: string[] = [];
  const record = (verb: string) => async (service: string) => void calls.push(`${verb} ${service}`);
  const control = new SystemCommands({
    services: () => [
      { name: 'order', kind: 'managed', url: null },
      { name: 'legacy', kind: 'unmanaged', url: 'http://127.0.0.1:7000' },
    ],
    restart: record('restart'),
    stop: record('stop'),
    start: record('start'),
    faults: () => undefined,
    ...over,
  });
  return { control, calls };
}

describe('SystemCommands', () => {
  test('restart, stop and start go to the system for a managed service; unknown and unmanaged ones are user errors', async () => {
    const { control, calls } = commands();
    await control.restart('order');
    await control.stop('order');
    await control.start('order');
    expect(calls).toEqual(['restart order', 'stop order', 'start order']);
    await expect(control.restart('odrer')).rejects.toThrow(UnknownServiceError);
    await expect(control.stop('odrer')).rejects.toMatchObject({ userError: true, status: 404, hint: 'did you mean "order"?' });
    await expect(control.start('legacy')).rejects.toMatchObject({ userError: true, status: 409, message: 'legacy is not started by devmode (it runs at http://127.0.0.1:7000), so devmode cannot start it' });
    expect(calls).toHaveLength(3);
  });

  test('before the fault table exists, setting a fault is refused (503) and clearing finds nothing', async () => {
    const { control } = commands();
    expect(await control.clearFault('x')).toBe(false);
    await expect(control.setFault({ cut: true })).rejects.toMatchObject({ userError: true, status: 503 });
    await expect(control.brokerDown()).rejects.toMatchObject({ userError: true, status: 503 });
  });

  test('faults, broker down and up go through the fault table, and the Store sees them', async () => {
    const bus = new Bus();
    const store = new EventStore({ bus, pollMs: 0 });
    const table = new FaultTable({ publish: (e) => bus.publish(e), services: ['order'] });
    const { control } = commands({ faults: () => table });
    const slow = await control.setFault({ callee: 'order', delay: '1m30s' });
    expect(slow.action).toBe('delay 90000 ms');
    expect(await control.brokerDown()).toMatchObject({ id: BROKER_DOWN_RULE, callee: 'kafka', action: 'broker down' });
    expect(table.down).toBe(true);
    expect(store.getSnapshot().faults.map((f) => f.id)).toEqual([slow.id, BROKER_DOWN_RULE]);
    await control.brokerUp();
    expect(table.down).toBe(false);
    await control.clearFaults();
    expect(store.getSnapshot().faults).toEqual([]);
    store.close();
  });

  test('produce without a broker is refused; records without one are empty', async () => {
    const { control } = commands();
    await expect(control.produce({ topic: 'orders', value: 'x' })).rejects.toMatchObject({ userError: true, status: 503 });
    expect(await control.recentRecords('orders', 0, 10)).toEqual([]);
  });
});

// system/ hands the mesh's fault table in as it is: keep the shapes compatible.
export type PartsFit = [FaultTable extends FaultTableView ? true : never];
const fits: PartsFit = [true];
void fits;
