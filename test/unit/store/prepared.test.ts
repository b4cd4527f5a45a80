import { expect, test } from 'vitest';
import { draftEdge, prepareSnapshot, StaticStore } from '../../../src/core/store/index.js';

test('a prepared snapshot fills what a test leaves out, consistently, and is frozen all the way down', () => {
  const s = prepareSnapshot({
    services: [{ name: 'order', instances: [{ state: 'ready' }, { state: 'crash-loop', why: 'exited with code 1' }] }, { name: 'legacy', kind: 'unmanaged', url: 'http://127.0.0.1:7000' }],
    logs: [
      { service: 'order', text: 'listening' },
      { service: 'order', instance: 1, text: 'boom', stream: 'stderr' },
    ],
    logsDropped: { 'order.0': 7 },
    tap: [{ path: '/api/orders', status: 201 }],
    traffic: { edges: [draftEdge('gateway', 'order', { buckets: [1, 2, 3] })] },
  });
  expect(s.services[0]!.instances.map((i) => [i.key, i.state, i.pid !== null, i.why])).toEqual([
    ['order.0', 'ready', true, null],
    ['order.1', 'crash-loop', true, 'exited with code 1'],
  ]);
  expect(s.header).toMatchObject({ ready: 1, total: 2, systemReady: false, remote: null });
  expect(s.logs.byInstance['order.0']).toMatchObject({ dropped: 7, total: 8 });
  expect(s.logs.merged.items.map((l) => [l.seq, l.text])).toEqual([
    [1, 'listening'],
    [2, 'boom'],
  ]);
  expect(s.tap.items[0]).toMatchObject({ seq: 3, method: 'GET', status: 201, caller: { service: 'gateway' } });
  expect(s.seq).toBe(3);
  expect(s.traffic.edges[0]).toMatchObject({ requests: 6, series: { requests: [1, 2, 3], errors: [0, 0, 0] } });
  expect(Object.isFrozen(s.services[0]!.instances[1])).toBe(true);
  expect(Object.isFrozen(s.traffic.edges[0]!.series.requests)).toBe(true);
});

test('a StaticStore tells its subscribers of a new snapshot, with a higher version, and waits for one', async () => {
  const store = new StaticStore({ services: [{ name: 'order', instances: [{ state: 'starting' }] }] });
  const first = store.getSnapshot();
  let told = 0;
  store.subscribe(() => told++);
  const ready = store.waitFor((s) => s.header.ready === 1 && s.version, { timeout: 1000 });
  const next = store.set({ services: [{ name: 'order' }] });
  expect(told).toBe(1);
  expect(next.version).toBeGreaterThan(first.version);
  expect(await ready).toBe(next.version);
  expect(store.set(first).version).toBeGreaterThan(next.version);
});
