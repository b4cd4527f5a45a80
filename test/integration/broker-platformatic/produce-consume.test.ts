import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ListOffsetTimestamps, ProduceAcks } from '@platformatic/kafka';
import { waitFor } from '../../helpers/processes.js';
import { startTestBroker } from '../../helpers/broker.js';
import { admin, Collected, consumer, producer } from './clients.js';

const TOPIC = 'orders';

describe('@platformatic/kafka producing and consuming through the embedded broker', () => {
  it('round-trips keys, values, headers and offsets through a consumer group (Produce 11, Fetch 13)', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
    const p = producer(bootstrap);
    const sent = Array.from({ length: 10 }, (_, i) => ({
      topic: TOPIC,
      partition: i % 2,
      key: `user-${i}`,
      value: JSON.stringify({ order: i }),
      headers: { source: 'web', seq: String(i) },
    }));
    const result = await p.send({ messages: sent });
    expect(result.offsets?.map((o) => [o.partition, o.offset]).sort()).toEqual([
      [0, 0n],
      [1, 0n],
    ]);

    const c = consumer(bootstrap, 'round-trip');
    const got = new Collected(await c.consume({ topics: [TOPIC], mode: 'earliest' }));
    await got.waitFor(10);
    const seen = got.messages.map((m) => ({
      topic: m.topic,
      partition: m.partition,
      key: m.key,
      value: m.value,
      headers: Object.fromEntries(m.headers),
    }));
    expect(seen.sort((a, b) => a.key.localeCompare(b.key))).toEqual(sent.sort((a, b) => a.key.localeCompare(b.key)));
    // per partition, offsets 0..4 in produce order
    for (const partition of [0, 1]) {
      const mine = got.messages.filter((m) => m.partition === partition);
      expect(mine.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(mine.map((m) => m.headers.get('seq'))).toEqual(sent.filter((m) => m.partition === partition).map((m) => m.headers.seq));
    }
  });

  it('answers UNKNOWN_TOPIC_ID for a Fetch v13 naming a topic id that does not exist', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 1 }] });
    const c = consumer(bootstrap, 'unknown-id');
    const fetching = c.fetch({ node: 1, maxWaitTime: 10, topics: [{ topicId: randomUUID(), partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1024 }] }] });
    // the client turns a partition error into a ResponseError carrying the decoded response
    const error = (await fetching.then(() => null, (e: unknown) => e)) as { errors?: { response?: unknown }[]; response?: unknown } | null;
    const response = (error?.response ?? error?.errors?.[0]?.response) as { responses: { partitions: { errorCode: number }[] }[] } | undefined;
    expect(response?.responses[0]?.partitions[0]?.errorCode, String(error)).toBe(100);
  });

  it('auto-creates a topic the producer asks for, and stores acks=0 sends (no response expected)', async () => {
    const { bootstrap, broker } = await startTestBroker({ defaultPartitions: 2 });
    const p = producer(bootstrap);
    const created = await p.send({ messages: [{ topic: 'fresh', key: 'k', value: 'first' }], autocreateTopics: true });
    expect(created.offsets?.[0]).toMatchObject({ topic: 'fresh', offset: 0n });
    expect(broker.store.topic('fresh')?.partitions).toBe(2);
    // without auto-creation the client's Metadata request says so, and the broker honours it
    await expect(p.send({ messages: [{ topic: 'absent', key: 'k', value: 'v' }] })).rejects.toThrow(/absent/);
    expect(broker.store.topic('absent')).toBeUndefined();

    await p.send({ messages: [0, 1, 2].map((i) => ({ topic: 'fresh', partition: 1, key: 'k', value: `fire ${i}` })), acks: ProduceAcks.NO_RESPONSE });
    await waitFor(() => broker.store.partition('fresh', 1)?.highWatermark === 3n, 'three acks=0 records on fresh/1');
    // the connection still answers after a request that got no response
    const next = await p.send({ messages: [{ topic: 'fresh', partition: 1, key: 'k', value: 'acked' }] });
    expect(next.offsets?.[0]?.offset).toBe(3n);
  });

  it('uses an idempotent producer (InitProducerId) and keeps its sequence across sends', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 1 }] });
    const p = producer(bootstrap, 'pk-idempotent', true);
    const info = await p.initIdempotentProducer({});
    expect(info.producerId).toBeGreaterThanOrEqual(0n);
    for (let i = 0; i < 3; i++) {
      const r = await p.send({ messages: [0, 1].map((j) => ({ topic: TOPIC, partition: 0, key: 'k', value: `v${i}-${j}` })) });
      expect(r.offsets?.[0]?.offset).toBe(BigInt(i * 2));
    }
    const log = broker.store.partition(TOPIC, 0)!;
    expect(log.highWatermark).toBe(6n);
    // the stored batches carry the producer id and consecutive base sequences (RecordBatch
    // v2: producerId at byte 43, baseSequence at 53)
    const batches = log.read(0n, 1 << 20, true);
    expect(batches.map((b) => b.readBigInt64BE(43))).toEqual([info.producerId, info.producerId, info.producerId]);
    expect(batches.map((b) => b.readInt32BE(53))).toEqual([0, 2, 4]);

    const c = consumer(bootstrap, 'idempotent');
    const got = new Collected(await c.consume({ topics: [TOPIC], mode: 'earliest' }));
    await got.waitFor(6);
    expect(got.values()).toEqual(['v0-0', 'v0-1', 'v1-0', 'v1-1', 'v2-0', 'v2-1']);
  });

  it('lists earliest and latest offsets (ListOffsets), from the consumer and from the admin client', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 3 }] });
    const p = producer(bootstrap);
    await p.send({ messages: [0, 0, 0, 1].map((partition, i) => ({ topic: TOPIC, partition, key: 'k', value: `v${i}` })) });

    const c = consumer(bootstrap, 'offsets');
    expect(await c.listOffsets({ topics: [TOPIC], timestamp: ListOffsetTimestamps.EARLIEST })).toEqual(new Map([[TOPIC, [0n, 0n, 0n]]]));
    expect(await c.listOffsets({ topics: [TOPIC], timestamp: ListOffsetTimestamps.LATEST })).toEqual(new Map([[TOPIC, [3n, 1n, 0n]]]));
    const a = admin(bootstrap);
    const listed = await a.listOffsets({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: ListOffsetTimestamps.LATEST }] }] });
    expect(listed[0]?.partitions[0]).toMatchObject({ partitionIndex: 0, offset: 3n });
  });

  it('resumes from committed offsets when a group member restarts (OffsetCommit 9, OffsetFetch 9)', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 1 }] });
    const p = producer(bootstrap);
    const send = (from: number, n: number) =>
      p.send({ messages: Array.from({ length: n }, (_, i) => ({ topic: TOPIC, partition: 0, key: 'k', value: `m${from + i}` })) });
    await send(0, 5);

    const first = consumer(bootstrap, 'resume', 'first');
    const stream = await first.consume({ topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    const got = new Collected(stream);
    await got.waitFor(5);
    await got.messages[4]!.commit();
    expect(broker.store.committedOffset('resume', TOPIC, 0)?.offset).toBe(5n);
    expect(await first.listCommittedOffsets({ topics: [{ topic: TOPIC, partitions: [0] }] })).toEqual(new Map([[TOPIC, [5n]]]));
    await stream.close();
    await first.close();

    await send(5, 3);
    const second = consumer(bootstrap, 'resume', 'second');
    const again = new Collected(await second.consume({ topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest' }));
    await again.waitFor(3);
    expect(again.values()).toEqual(['m5', 'm6', 'm7']);
  });
});
