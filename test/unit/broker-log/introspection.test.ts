import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedIntrospection, type GroupSnapshotLike } from '../../../src/broker/introspection.js';
import { EmbeddedLogStore } from '../../../src/broker/log/log-store.js';
import { encodeBatch, encodeSizedBatch } from '../../helpers/record-batch.js';

async function setup() {
  let now = 10_000;
  const store = new EmbeddedLogStore({ dataDir: null, now: () => now });
  await store.open();
  onTestFinished(() => store.close());
  const groups: GroupSnapshotLike[] = [
    {
      groupId: 'users',
      state: 'Stable',
      generation: 3,
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm1', clientId: 'c1', host: '/127.0.0.1', assignments: [{ topic: 'orders', partitions: [0, 1] }] }],
    },
  ];
  const view = new EmbeddedIntrospection(store, () => groups, { now: () => now });
  return { store, view, advance: (ms: number) => (now += ms), now: () => now };
}

describe('embedded broker introspection', () => {
  it('lists topics with offsets, sizes and rates over the last seconds', async () => {
    const { store, view, advance, now } = await setup();
    store.createTopic('orders', 2);
    store.createTopic('audit', 1);
    const batch = encodeSizedBatch(10, 100);
    advance(1000);
    for (let i = 0; i < 20; i++) store.partition('orders', i % 2)!.append(Buffer.from(batch), now());
    const topics = await view.topics();
    expect(topics.map((t) => t.name)).toEqual(['audit', 'orders']);
    const orders = topics[1]!;
    expect(orders.partitions).toEqual([
      { partition: 0, logStartOffset: 0, highWatermark: 100, lastStableOffset: 100, sizeBytes: batch.length * 10 },
      { partition: 1, logStartOffset: 0, highWatermark: 100, lastStableOffset: 100, sizeBytes: batch.length * 10 },
    ]);
    // 200 records in the 1 s since the view was made.
    expect(orders.messagesPerSec).toBeCloseTo(200, 5);
    expect(orders.bytesPerSec).toBeCloseTo(batch.length * 20, 5);
    expect(topics[0]!.messagesPerSec).toBe(0);
    // Nothing more for longer than the window: the rate falls to 0.
    advance(3000);
    await view.topics();
    advance(3000);
    expect((await view.topics())[1]!.messagesPerSec).toBe(0);
  });

  it('shows groups with members, committed offsets and lag, including idle groups', async () => {
    const { store, view } = await setup();
    store.createTopic('orders', 2);
    for (let i = 0; i < 5; i++) store.partition('orders', 0)!.append(encodeSizedBatch(2, 10), 0);
    store.commitOffset('users', 'orders', 0, { offset: 4n, leaderEpoch: -1, metadata: null, commitTimestamp: 0 });
    store.commitOffset('idle', 'orders', 0, { offset: 10n, leaderEpoch: -1, metadata: null, commitTimestamp: 0 });
    const groups = await view.groups();
    expect(groups.map((g) => g.groupId)).toEqual(['idle', 'users']);
    expect(groups[0]).toMatchObject({ state: 'Empty', members: [], offsets: [{ topic: 'orders', partition: 0, committed: 10, highWatermark: 10, lag: 0 }] });
    expect(groups[1]).toMatchObject({
      state: 'Stable',
      generation: 3,
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm1', assignments: [{ topic: 'orders', partitions: [0, 1] }] }],
      offsets: [{ topic: 'orders', partition: 0, committed: 4, highWatermark: 10, lag: 6 }],
    });
  });

  it('decodes the last records of a partition for display, newest last', async () => {
    const { store, view } = await setup();
    store.createTopic('orders', 1);
    const log = store.partition('orders', 0)!;
    log.append(encodeBatch([{ value: 'old-1' }, { value: 'old-2' }], { compression: 'gzip' }), 0);
    log.append(
      encodeBatch(
        [
          { key: 'user-7', value: '{"order":1}', headers: [{ key: 'h', value: 'v' }] },
          { key: null, value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
        ],
        { compression: 'lz4', baseTimestamp: 5000 },
      ),
      0,
    );
    const recent = await view.recentRecords('orders', 0, 3);
    expect(recent.map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(recent[0]).toMatchObject({ value: 'old-2', compression: 'gzip' });
    expect(recent[1]).toMatchObject({ key: 'user-7', value: '{\n  "order": 1\n}', headers: [{ key: 'h', value: 'v' }], compression: 'lz4', timestamp: 5000 });
    expect(recent[2]).toMatchObject({ key: null, value: 'hex de ad be ef' });
    expect(await view.recentRecords('orders', 0, 100)).toHaveLength(4);
    expect(await view.recentRecords('orders', 5, 10)).toEqual([]);
    expect(await view.recentRecords('nope', 0, 10)).toEqual([]);
  });

  it('works from a broker-shaped source and counts reported appends', async () => {
    const { store, advance } = await setup();
    store.createTopic('t', 1);
    const view = new EmbeddedIntrospection({ store, groups: { snapshot: () => [] } });
    expect(await view.groups()).toEqual([]);
    view.recordAppend('t', 0, 5, 500);
    advance(0);
    expect((await view.topics())[0]!.name).toBe('t');
  });
});
