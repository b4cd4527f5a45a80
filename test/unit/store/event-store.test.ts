import { afterEach, describe, expect, test } from 'vitest';
import { Bus } from '../../../src/core/bus.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { EventStore, toSystemState, type EventStoreOptions } from '../../../src/core/store/index.js';
import type { StoreSources } from '../../../src/core/store/sources.js';

const stores: EventStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function make(options: Partial<EventStoreOptions> = {}): { bus: Bus; store: EventStore } {
  const bus = new Bus();
  const store = new EventStore({ bus, name: 'shop', pollMs: 0, declared: [{ name: 'order', kind: 'managed', instances: 2 }, { name: 'legacy', kind: 'unmanaged', url: 'http://127.0.0.1:7000' }], ...options });
  stores.push(store);
  return { bus, store };
}

const ref = (instance = 0) => ({ service: 'order', instance });
const log = (line: string, instance = 0): DevmodeEvent => ({ type: 'log', ref: ref(instance), stream: 'stdout', line, ts: 1000 });
const exchange = (over: Partial<Extract<DevmodeEvent, { type: 'http.exchange' }>> = {}): DevmodeEvent => ({
  type: 'http.exchange',
  id: 'x1',
  caller: { service: 'gateway', instance: null },
  callee: { service: 'order', instance: 0 },
  method: 'GET',
  path: '/api/orders/17',
  status: 200,
  durationMs: 2,
  requestBytes: 0,
  responseBytes: 10,
  ts: 1000,
  ...over,
});

describe('EventStore: services and instances', () => {
  test('lists declared services before any event, instances waiting, unmanaged ready at their URL', () => {
    const { store } = make();
    const s = store.getSnapshot();
    expect(s.services.map((x) => [x.name, x.kind, x.instances.map((i) => i.state)])).toEqual([
      ['order', 'managed', ['waiting', 'waiting']],
      ['legacy', 'unmanaged', ['ready']],
    ]);
    expect(s.services[1]?.url).toBe('http://127.0.0.1:7000');
    expect(s.header).toMatchObject({ name: 'shop', ready: 0, total: 2, systemReady: false });
  });

  test('folds states into pid, port, uptime, restarts and the last exit', () => {
    const { bus, store } = make();
    bus.publish({ type: 'instance.state', ref: ref(), state: 'starting', pid: 11, port: 5000, ts: 100 });
    bus.publish({ type: 'instance.state', ref: ref(), state: 'ready', readyInMs: 40, ts: 140 });
    let i = store.getSnapshot().services[0]!.instances[0]!;
    expect(i).toMatchObject({ state: 'ready', pid: 11, port: 5000, url: 'http://127.0.0.1:5000', upSince: 140, readyInMs: 40, restarts: 0, lastExit: null, why: null });
    bus.publish({ type: 'instance.state', ref: ref(), state: 'exited', exit: { code: 1, signal: null }, detail: 'exited with code 1', ts: 200 });
    bus.publish({ type: 'instance.state', ref: ref(), state: 'backoff', restartInMs: 500, detail: 'restarting in 500 ms', ts: 201 });
    i = store.getSnapshot().services[0]!.instances[0]!;
    expect(i).toMatchObject({ state: 'backoff', pid: null, upSince: null, restartInMs: 500, why: 'restarting in 500 ms', lastExit: { code: 1, signal: null, ts: 200, requested: false } });
    bus.publish({ type: 'instance.state', ref: ref(), state: 'starting', pid: 12, ts: 700 });
    bus.publish({ type: 'instance.state', ref: ref(), state: 'ready', ts: 720 });
    const s = store.getSnapshot();
    expect(s.services[0]!.instances[0]).toMatchObject({ state: 'ready', pid: 12, restarts: 1, upSince: 720 });
    expect(s.header).toMatchObject({ ready: 1, total: 2 });
  });

  test('a reload, a failed build and its output, and a finished reload', () => {
    const { bus, store } = make();
    bus.publish({ type: 'reload.started', service: 'order', trigger: 'src/a.js', files: 2, ts: 10 });
    expect(store.getSnapshot().services[0]).toMatchObject({ activity: 'reloading', lastReload: { trigger: 'src/a.js', files: 2, outcome: 'running' } });
    bus.publish({ type: 'build.failed', service: 'order', output: 'error TS1005', exitCode: 2, serving: true, ts: 20 });
    expect(store.getSnapshot().services[0]).toMatchObject({ activity: 'build-failed', lastReload: { trigger: 'src/a.js', outcome: 'build-failed', buildOutput: 'error TS1005' } });
    bus.publish({ type: 'reload.started', service: 'order', trigger: 'src/a.js', files: 1, ts: 30 });
    bus.publish({ type: 'reload.finished', service: 'order', ms: 210, ts: 240 });
    expect(store.getSnapshot().services[0]).toMatchObject({ activity: 'idle', lastReload: { outcome: 'finished', ms: 210, buildOutput: null } });
  });
});

describe('EventStore: bounded rings', () => {
  test('a log ring keeps the newest lines and counts the dropped ones; the merged ring interleaves instances', () => {
    const { bus, store } = make({ limits: { logLinesPerInstance: 3, logLinesMerged: 4 } });
    for (let n = 0; n < 5; n++) bus.publish(log(`a${n}`, 0));
    bus.publish(log('b0', 1));
    const logs = store.getSnapshot().logs;
    expect(logs.byInstance['order.0']!.items.map((l) => l.text)).toEqual(['a2', 'a3', 'a4']);
    expect(logs.byInstance['order.0']).toMatchObject({ dropped: 2, total: 5 });
    expect(logs.byInstance['order.1']!.items.map((l) => l.text)).toEqual(['b0']);
    expect(logs.merged.items.map((l) => l.text)).toEqual(['a2', 'a3', 'a4', 'b0']);
    expect(logs.merged.dropped).toBe(2);
    const seqs = logs.merged.items.map((l) => l.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  test('a log ring is bounded in bytes too, and a huge line is cut', () => {
    const { bus, store } = make({ limits: { logLinesPerInstance: 1000, logBytesPerInstance: 100, logLineChars: 40 } });
    for (let n = 0; n < 10; n++) bus.publish(log('x'.repeat(30)));
    bus.publish(log('y'.repeat(100_000)));
    const ring = store.getSnapshot().logs.byInstance['order.0']!;
    const bytes = ring.items.reduce((n, l) => n + l.text.length, 0);
    expect(bytes).toBeLessThanOrEqual(100);
    expect(ring.total).toBe(11);
    expect(ring.dropped).toBe(11 - ring.items.length);
    expect(ring.items.at(-1)!.text).toMatch(/^y{40} … \[99960 more characters cut\]$/);
  });

  test('many instances share the total log budget; the merged ring and the history are bounded in characters too', () => {
    const { bus, store } = make({
      declared: [{ name: 'order', kind: 'managed', instances: 4 }],
      limits: { logLinesPerInstance: 1000, logBytesPerInstance: 1000, logBytesTotal: 400, logLinesMerged: 1000, logBytesMerged: 300, history: 1000, historyBytes: 500 },
    });
    for (let n = 0; n < 20; n++) bus.publish(log(`${n}`.padStart(50, '.')));
    const s = store.getSnapshot();
    expect(s.logs.byInstance['order.0']!.items).toHaveLength(2); // 400 / 4 instances = 100 characters
    expect(s.logs.merged.items).toHaveLength(6);
    expect(s.logs.merged.dropped).toBe(14);
    expect(store.history()).toHaveLength(10);
  });

  test('notable events, the tap and the history are bounded rings with dropped counts', () => {
    const { bus, store } = make({ limits: { events: 2, tap: 3, history: 5 } });
    for (let n = 0; n < 4; n++) bus.publish({ type: 'system.notice', level: 'info', source: 'devmode', message: `n${n}`, ts: n });
    for (let n = 0; n < 5; n++) bus.publish(exchange({ id: `x${n}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    const s = store.getSnapshot();
    expect(s.events.items.map((e) => (e.event as { message: string }).message)).toEqual(['n2', 'n3']);
    expect(s.events).toMatchObject({ dropped: 2, total: 4 });
    expect(s.tap.items.map((t) => t.id)).toEqual(['x2', 'x3', 'x4']);
    expect(s.tap).toMatchObject({ dropped: 2, total: 5 });
    expect(s.tap.items[0]).toMatchObject({ kind: 'http', method: 'GET', path: '/api/orders/17', status: 200, traceId: '0af7651916cd43dd8448eb211c80319c', error: null });
    expect(store.history().map((e) => e.seq)).toEqual([5, 6, 7, 8, 9]);
    expect(store.history(7).map((e) => e.seq)).toEqual([8, 9]);
    expect(store.lastSeq).toBe(9);
  });

  test('tap entries read between exchanges stay the same objects; later exchanges, a WebSocket among them, are made on the next read', () => {
    const { bus, store } = make({ limits: { tap: 4 } });
    bus.publish(exchange({ id: 'a' }));
    bus.publish(exchange({ id: 'b' }));
    const first = store.getSnapshot().tap.items;
    bus.publish({ type: 'ws.opened', id: 'w', caller: { service: 'order', instance: 0 }, callee: { service: 'stock', instance: 0 }, path: '/ws', ts: 3 });
    bus.publish(exchange({ id: 'c' }));
    bus.publish(exchange({ id: 'd', status: 503, error: 'down' }));
    const second = store.getSnapshot().tap;
    expect(second.items.map((t) => t.id)).toEqual(['b', 'w', 'c', 'd']);
    expect(second.items[0]).toBe(first[1]);
    expect(second.items[1]).toMatchObject({ kind: 'ws', method: 'WS', status: 101, durationMs: null, path: '/ws' });
    expect(second.items[3]).toMatchObject({ kind: 'http', status: 503, error: 'down' });
    expect(second.items.every((t) => Object.isFrozen(t) && !('event' in t))).toBe(true);
    expect(second).toMatchObject({ dropped: 1, total: 5 });
  });
});

describe('EventStore: a sampled tap', () => {
  test('calls skipped by the admin API count in the tap total; the snapshot says it is sampled for about 3 s', async () => {
    let now = 10_000;
    const { bus, store } = make({ now: () => now });
    bus.publish(exchange({ id: 'a' }));
    expect(store.getSnapshot().tapSampled).toBeNull();
    store.tapSkipped(40, 500);
    bus.publish(exchange({ id: 'b' }));
    let s = store.getSnapshot();
    expect(s.tap).toMatchObject({ dropped: 40, total: 42 });
    expect(s.tap.items.map((t) => t.id)).toEqual(['a', 'b']);
    expect(s.tapSampled).toEqual({ skipped: 40, maxRps: 500 });
    store.tapSkipped(0, 500); // nothing skipped: not a report
    now += 2000;
    await store.refresh();
    expect(store.getSnapshot().tapSampled).toEqual({ skipped: 40, maxRps: 500 });
    now += 2000;
    await store.refresh();
    s = store.getSnapshot();
    expect(s.tapSampled).toBeNull();
    expect(s.tap.total).toBe(42);
  });
});

describe('EventStore: snapshots', () => {
  test('the same frozen object until something changes; a change gives a higher version and leaves the old snapshot as it was', () => {
    const { bus, store } = make();
    const a = store.getSnapshot();
    expect(store.getSnapshot()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.services)).toBe(true);
    expect(Object.isFrozen(a.services[0]!.instances[0])).toBe(true);
    bus.publish(log('hello'));
    const b = store.getSnapshot();
    expect(b.version).toBeGreaterThan(a.version);
    expect(a.logs.byInstance['order.0']).toBeUndefined();
    expect(b.logs.byInstance['order.0']!.items).toHaveLength(1);
    expect(Object.isFrozen(b.logs.byInstance['order.0']!.items)).toBe(true);
    expect(() => (b.logs.byInstance['order.0']!.items as unknown[]).push(1)).toThrow();
    bus.publish(log('again'));
    expect(b.logs.byInstance['order.0']!.items).toHaveLength(1);
    // an unchanged ring is shared between snapshots, not copied
    bus.publish({ type: 'system.notice', level: 'info', source: 'x', message: 'm', ts: 1 });
    const c = store.getSnapshot();
    const d = (bus.publish({ type: 'system.notice', level: 'info', source: 'x', message: 'm', ts: 1 }), store.getSnapshot());
    expect(d.logs.byInstance['order.0']).toBe(c.logs.byInstance['order.0']);
  });

  test('subscribers are told once per turn of the event loop, however many events came', async () => {
    const { bus, store } = make();
    let calls = 0;
    const off = store.subscribe(() => calls++);
    for (let n = 0; n < 100; n++) bus.publish(log(`l${n}`));
    expect(calls).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    off();
    bus.publish(log('after'));
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
  });

  test('faults: set, hits counted from applied calls, cleared', () => {
    const { bus, store } = make();
    const rule = { id: 'slow', source: 'runtime' as const, caller: '*', callee: 'order', path: '*', methods: [], percent: 100, action: 'delay 100 ms', hits: 0 };
    bus.publish({ type: 'fault.set', rule, ts: 1 });
    bus.publish({ type: 'fault.applied', id: 'slow', action: 'delay', caller: 'gateway', callee: 'order', method: 'GET', path: '/', ts: 2 });
    bus.publish({ type: 'fault.applied', id: 'slow', action: 'delay', caller: 'gateway', callee: 'order', method: 'GET', path: '/', ts: 3 });
    expect(store.getSnapshot().faults).toEqual([{ ...rule, hits: 2 }]);
    expect(Object.isFrozen(rule)).toBe(false);
    bus.publish({ type: 'fault.cleared', id: 'slow', ts: 4 });
    expect(store.getSnapshot().faults).toEqual([]);
  });
});

describe('EventStore: waiting', () => {
  test('waitFor resolves with the predicate result once it holds, at once when it already does', async () => {
    const { bus, store } = make();
    const ready = store.waitFor((s) => s.services[0]!.instances.every((i) => i.state === 'ready') && s.version, { timeout: 5000 });
    bus.publish({ type: 'instance.state', ref: ref(0), state: 'ready', ts: 1 });
    bus.publish({ type: 'instance.state', ref: ref(1), state: 'ready', ts: 1 });
    expect(await ready).toBeGreaterThan(0);
    expect(await store.waitFor((s) => s.header.ready === 2)).toBe(true);
  });

  test('waitFor rejects on timeout with what was awaited, and on abort', async () => {
    const { store } = make();
    await expect(store.waitFor(() => false, { timeout: 20, what: 'order ready' })).rejects.toThrow(/order ready did not come within 20 ms/);
    const ac = new AbortController();
    const waiting = store.waitFor(() => false, { signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  test('waitForEvent finds a past event after a cursor, or a coming one; its timeout lists the last of that type', async () => {
    const { bus, store } = make();
    bus.publish(exchange({ id: 'old', status: 500 }));
    const mark = store.lastSeq;
    expect((await store.waitForEvent('http.exchange', (e) => e.status === 500)).id).toBe('old');
    const coming = store.waitForEvent('http.exchange', (e) => e.status === 500, { after: mark, timeout: 5000 });
    bus.publish(exchange({ id: 'new', status: 500 }));
    expect((await coming).id).toBe('new');
    await expect(store.waitForEvent('http.exchange', (e) => e.status === 418, { timeout: 20 })).rejects.toThrow(/the last 'http.exchange' events:\n.*"id":"old"/);
  });
});

describe('EventStore: polled sources', () => {
  test('traffic figures come with per-bucket series for edges and routes; header sums them', async () => {
    let now = 600_000;
    const edges = [{ caller: 'gateway', callee: 'order', requests: 3, ratePerSec: 1.5, errors: 1, errorRate: 1 / 3, p50: 1, p95: 2, p99: 3 }];
    const routes = [{ ...edges[0]!, method: 'GET', route: '/api/orders/:id' }];
    const sources: StoreSources = { traffic: { windowSec: 60, edges: () => edges, routes: () => routes, routeOf: (p) => p.replace(/\/\d+$/, '/:id') } };
    const { bus, store } = make({ sources, now: () => now, limits: { seriesBuckets: 3, seriesBucketMs: 60_000 } });
    bus.publish(exchange());
    now += 60_000;
    bus.publish(exchange({ status: 503 }));
    bus.publish(exchange());
    const s = store.getSnapshot();
    expect(s.traffic.edges[0]).toMatchObject({ caller: 'gateway', callee: 'order', ratePerSec: 1.5, series: { bucketMs: 60_000, requests: [0, 1, 2], errors: [0, 0, 1] } });
    expect(s.traffic.routes[0]).toMatchObject({ route: '/api/orders/:id', series: { requests: [0, 1, 2] } });
    expect(s.header).toMatchObject({ requestsPerSec: 1.5, errors: 1 });
    now += 120_000;
    await store.refresh();
    expect(store.getSnapshot().traffic.edges[0]!.series.requests).toEqual([2, 0, 0]);
  });

  test('broker topics and groups are polled, groups attributed to the services that fetch for them; a broker that does not answer leaves the last figures', async () => {
    let answer = true;
    const topics = [{ name: 'orders', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 5, sizeBytes: 500 }], messagesPerSec: 2, bytesPerSec: 200 }];
    const groups = [{ groupId: 'user-orders', state: 'Stable' as const, generation: 1, protocol: 'range', members: [], offsets: [{ topic: 'orders', partition: 0, committed: 3, highWatermark: 5, lag: 2 }] }];
    const sources: StoreSources = { broker: { topics: () => (answer ? Promise.resolve(topics) : new Promise(() => {})), groups: () => Promise.resolve(groups) } };
    const { bus, store } = make({ sources, brokerTimeoutMs: 50 });
    bus.publish({ type: 'broker.started', mode: 'embedded', bootstrap: '127.0.0.1:9092', reason: 'default', ts: 1 });
    bus.publish({ type: 'broker.fetch', topic: 'orders', partition: 0, clientId: 'c', group: 'user-orders', service: 'user', instance: 0, offset: 3, highWatermark: 5, bytes: 0, batches: 0, ts: 2 });
    await store.refresh();
    let b = store.getSnapshot().broker;
    expect(b).toMatchObject({ mode: 'embedded', address: '127.0.0.1:9092', state: 'up', topics, groups: [{ groupId: 'user-orders', services: ['user'], lag: 2 }] });
    expect(b.polledAt).not.toBeNull();
    answer = false;
    await store.refresh();
    b = store.getSnapshot().broker;
    expect(b.topics).toEqual(topics);
    bus.publish({ type: 'broker.down', reason: 'fault', connectionsClosed: 1, ts: 3 });
    expect(store.getSnapshot().broker.state).toBe('down');
  });

  test('open transactions are polled with topics and groups, and carried into /state; a broker source without them reads as none', async () => {
    let open = [{ transactionalId: 'ledger-tx', producerId: 7, epoch: 2, state: 'Ongoing' as const, startedAt: 5, timeoutMs: 60_000, partitions: [{ topic: 'ledger', partition: 0, firstOffset: 10 }], groups: ['billing'] }];
    const topics = [{ name: 'ledger', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 12, lastStableOffset: 10, sizeBytes: 500 }], messagesPerSec: 0, bytesPerSec: 0 }];
    const sources: StoreSources = { broker: { topics: async () => topics, groups: async () => [], transactions: async () => open } };
    const { bus, store } = make({ sources });
    bus.publish({ type: 'broker.started', mode: 'embedded', bootstrap: '127.0.0.1:9092', reason: 'default', ts: 1 });
    await store.refresh();
    expect(store.getSnapshot().broker.transactions).toEqual(open);
    expect(store.getSnapshot().broker.topics[0]!.partitions[0]!.lastStableOffset).toBe(10);
    expect(toSystemState(store.getSnapshot()).transactions).toEqual(open);
    open = [];
    await store.refresh();
    expect(store.getSnapshot().broker.transactions).toEqual([]);

    const older = make({ sources: { broker: { topics: async () => topics, groups: async () => [] } } });
    older.bus.publish({ type: 'broker.started', mode: 'embedded', bootstrap: '127.0.0.1:9092', reason: 'default', ts: 1 });
    await older.store.refresh();
    expect(older.store.getSnapshot().broker.transactions).toEqual([]);
  });

  test('CPU and memory are sampled for running instances only', async () => {
    const asked: number[][] = [];
    const sources: StoreSources = { usage: async (pids) => (asked.push([...pids]), new Map(pids.map((p) => [p, { cpuPercent: 12.5, rssBytes: 1024 }]))) };
    const { bus, store } = make({ sources });
    bus.publish({ type: 'instance.state', ref: ref(0), state: 'starting', pid: 77, ts: 1 });
    await store.refresh();
    expect(asked).toEqual([[77]]);
    expect(store.getSnapshot().services[0]!.instances[0]).toMatchObject({ cpuPercent: 12.5, rssBytes: 1024 });
    expect(store.getSnapshot().services[0]!.instances[1]).toMatchObject({ cpuPercent: null, rssBytes: null });
    bus.publish({ type: 'instance.state', ref: ref(0), state: 'stopped', exit: { code: 0, signal: 'SIGTERM' }, ts: 2 });
    expect(store.getSnapshot().services[0]!.instances[0]).toMatchObject({ cpuPercent: null, lastExit: { requested: true } });
  });
});
