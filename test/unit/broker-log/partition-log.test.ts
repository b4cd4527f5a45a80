import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedLogStore, type LogStoreOptions } from '../../../src/broker/log/log-store.js';
import { readBatchHeader } from '../../../src/broker/log/batch.js';
import { decodeBatch } from '../../../src/broker/log/records.js';
import { InvalidPartitionsError, InvalidTopicError, TopicExistsError } from '../../../src/broker/log/errors.js';
import { encodeBatch, encodeSizedBatch } from '../../helpers/record-batch.js';

async function memoryStore(options: Partial<LogStoreOptions> = {}) {
  const store = new EmbeddedLogStore({ dataDir: null, ...options });
  await store.open();
  onTestFinished(() => store.close());
  return store;
}

describe('partition log in memory', () => {
  it('assigns offsets, reads whole batches from any offset inside one, and respects maxBytes', async () => {
    const store = await memoryStore();
    store.createTopic('t', 2);
    const log = store.partition('t', 1)!;
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const b = encodeSizedBatch(3, 50);
      sizes.push(b.length);
      expect(log.append(b, 1000).baseOffset).toBe(BigInt(i * 3));
    }
    expect(log.highWatermark).toBe(30n);
    expect(log.logStartOffset).toBe(0n);
    expect(log.sizeBytes).toBe(sizes.reduce((a, b) => a + b));

    const fromMiddle = log.read(7n, 1 << 20, true);
    expect(fromMiddle).toHaveLength(8);
    expect(readBatchHeader(fromMiddle[0]!).baseOffset).toBe(6n);
    expect(decodeBatch(fromMiddle[7]!).records.at(-1)!.offset).toBe(29);

    const one = sizes[0]!;
    expect(log.read(0n, one * 2 + 1, true)).toHaveLength(2);
    expect(log.read(0n, 10, true)).toHaveLength(1); // KIP-74: the first batch whole even if larger
    expect(log.read(0n, 10, false)).toHaveLength(0);
    expect(log.read(30n, 1 << 20, true)).toEqual([]);
    expect(log.read(31n, 1 << 20, true)).toEqual([]);
    expect(store.partition('t', 0)!.highWatermark).toBe(0n);
    expect(store.partition('t', 2)).toBeUndefined();
  });

  it('reads across segment boundaries', async () => {
    const store = await memoryStore({ segmentBytes: 1024 });
    store.createTopic('t', 1);
    const log = store.partition('t', 0)!;
    for (let i = 0; i < 50; i++) log.append(encodeSizedBatch(1, 100), 1000);
    expect(log.segmentCount).toBeGreaterThan(5);
    const all = log.read(0n, 1 << 20, true);
    expect(all.map((b) => Number(readBatchHeader(b).baseOffset))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(log.read(33n, 1 << 20, true)).toHaveLength(17);
  });

  it('finds offsets by timestamp, including the special values', async () => {
    const store = await memoryStore();
    store.createTopic('t', 1);
    const log = store.partition('t', 0)!;
    log.append(encodeBatch([{ value: 'a' }, { value: 'b', timestampDelta: 10 }], { baseTimestamp: 1000 }), 0);
    log.append(encodeBatch([{ value: 'c' }, { value: 'd', timestampDelta: 50 }], { baseTimestamp: 2000 }), 0);
    log.append(encodeBatch([{ value: 'e' }], { baseTimestamp: 1500 }), 0);
    expect(log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 1000n });
    expect(log.offsetForTimestamp(1005n)).toEqual({ offset: 1n, timestamp: 1010n });
    expect(log.offsetForTimestamp(1011n)).toEqual({ offset: 2n, timestamp: 2000n });
    expect(log.offsetForTimestamp(2001n)).toEqual({ offset: 3n, timestamp: 2050n });
    expect(log.offsetForTimestamp(3000n)).toEqual({ offset: -1n, timestamp: -1n });
    expect(log.offsetForTimestamp(-1n).offset).toBe(5n);
    expect(log.offsetForTimestamp(-2n).offset).toBe(0n);
    expect(log.offsetForTimestamp(-3n)).toEqual({ offset: 3n, timestamp: 2050n });
  });

  it('calls append listeners synchronously until cancelled, and on deletion', async () => {
    const store = await memoryStore();
    store.createTopic('t', 1);
    const log = store.partition('t', 0)!;
    let calls = 0;
    const cancel = log.onAppend(() => calls++);
    const seen: bigint[] = [];
    const cancel2 = log.onAppend(() => seen.push(log.highWatermark));
    log.append(encodeSizedBatch(2, 10), 0);
    expect(calls).toBe(1);
    expect(seen).toEqual([2n]);
    cancel();
    log.append(encodeSizedBatch(1, 10), 0);
    expect(calls).toBe(1);
    expect(seen).toEqual([2n, 3n]);
    store.deleteTopic('t');
    expect(seen).toHaveLength(3);
    cancel2();
  });

  it('keeps memory bounded: size retention drops whole segments from the front', async () => {
    const store = await memoryStore({ retentionBytes: 20_000, segmentBytes: 4096 });
    store.createTopic('t', 1);
    const log = store.partition('t', 0)!;
    for (let i = 0; i < 2000; i++) log.append(encodeSizedBatch(1, 100), 1000);
    expect(log.highWatermark).toBe(2000n);
    expect(log.sizeBytes).toBeLessThan(20_000 + 5000);
    expect(log.sizeBytes).toBeGreaterThanOrEqual(20_000 - 5000);
    const start = log.logStartOffset;
    expect(start).toBeGreaterThan(1800n);
    expect(log.read(0n, 1 << 20, true)).toEqual([]);
    const batches = log.read(start, 1 << 20, true);
    expect(readBatchHeader(batches[0]!).baseOffset).toBe(start);
    expect(readBatchHeader(batches.at(-1)!).baseOffset).toBe(1999n);
  });

  it('drops segments older than the age limit, keeping the next offset', async () => {
    let now = 1_000_000;
    const store = await memoryStore({ retentionMs: 60_000, segmentBytes: 1024, now: () => now });
    store.createTopic('t', 1);
    const log = store.partition('t', 0)!;
    for (let i = 0; i < 20; i++) log.append(encodeSizedBatch(1, 100), now);
    now += 30_000;
    log.append(encodeSizedBatch(1, 100), now);
    store.enforceRetention();
    expect(log.logStartOffset).toBe(0n);
    now += 40_000;
    store.enforceRetention();
    // The older segments went; the one appended to 40 s ago stays.
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(log.highWatermark).toBe(21n);
    now += 60_001;
    store.enforceRetention();
    expect(log.logStartOffset).toBe(21n);
    expect(log.sizeBytes).toBe(0);
    expect(log.append(encodeSizedBatch(1, 10), now).baseOffset).toBe(21n);
  });

  it('manages topics: ids, errors for bad input, deletion, more partitions', async () => {
    const store = await memoryStore();
    const a = store.createTopic('a', 3);
    expect(a.id).toHaveLength(16);
    expect(a.id.equals(Buffer.alloc(16))).toBe(false);
    expect(store.topicById(a.id)?.name).toBe('a');
    expect(() => store.createTopic('a', 1)).toThrow(TopicExistsError);
    expect(() => store.createTopic('bad name', 1)).toThrow(InvalidTopicError);
    expect(() => store.createTopic('b', 0)).toThrow(InvalidPartitionsError);
    expect(store.addPartitions('a', 5).partitions).toBe(5);
    expect(store.partition('a', 4)).toBeDefined();
    expect(() => store.addPartitions('a', 2)).toThrow(InvalidPartitionsError);
    expect(store.deleteTopic('a')).toBe(true);
    expect(store.deleteTopic('a')).toBe(false);
    expect(store.topic('a')).toBeUndefined();
    const again = store.createTopic('a', 1);
    expect(again.id.equals(a.id)).toBe(false);
  });

  it('stores committed offsets per group', async () => {
    const store = await memoryStore();
    store.createTopic('t', 2);
    store.commitOffset('g', 't', 1, { offset: 5n, leaderEpoch: -1, metadata: 'm', commitTimestamp: 1 });
    store.commitOffset('g', 't', 1, { offset: 7n, leaderEpoch: -1, metadata: null, commitTimestamp: 2 });
    store.commitOffset('h', 't', 0, { offset: 1n, leaderEpoch: 0, metadata: '', commitTimestamp: 3 });
    expect(store.committedOffset('g', 't', 1)?.offset).toBe(7n);
    expect(store.committedOffset('g', 't', 0)).toBeUndefined();
    expect([...store.committedOffsets('g').get('t')!.keys()]).toEqual([1]);
    expect(store.groupsWithOffsets()).toEqual(['g', 'h']);
    store.deleteGroupOffsets('g');
    expect(store.groupsWithOffsets()).toEqual(['h']);
    store.deleteTopic('t');
    expect(store.groupsWithOffsets()).toEqual([]);
  });
});
