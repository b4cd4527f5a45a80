import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel, CompressionTypes, ConfigResourceTypes } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';

function client(bootstrap: string, clientId = 'wire-test'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('kafkajs 2.2 against the embedded broker', () => {
  it('admin: create, list, offsets (latest, earliest, by timestamp) and delete topics', async () => {
    const { bootstrap, events } = await startTestBroker({ autoCreateTopics: false });
    const kafka = client(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());

    expect(await admin.createTopics({ topics: [{ topic: 'a', numPartitions: 3 }, { topic: 'b' }] })).toBe(true);
    expect((await admin.listTopics()).sort()).toEqual(['a', 'b']);
    await expect(admin.createTopics({ topics: [{ topic: 'bad name!' }] })).rejects.toThrow();
    // kafkajs reports an existing topic as `false`, not an error
    expect(await admin.createTopics({ topics: [{ topic: 'a' }] })).toBe(false);

    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const t0 = Date.now();
    await producer.send({ topic: 'a', messages: [{ partition: 1, value: 'x', timestamp: String(t0 - 10_000) }] });
    await producer.send({ topic: 'a', messages: [{ partition: 1, value: 'y', timestamp: String(t0) }, { partition: 1, value: 'z', timestamp: String(t0 + 5) }] });

    const offsets = await admin.fetchTopicOffsets('a');
    const p1 = offsets.find((o) => o.partition === 1)!;
    expect(p1).toMatchObject({ offset: '3', high: '3', low: '0' });
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ offset: '0' });
    const byTs = await admin.fetchTopicOffsetsByTimestamp('a', t0);
    expect(byTs.find((o) => o.partition === 1)?.offset).toBe('1');

    const configs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'a', configNames: ['cleanup.policy', 'retention.ms'] }],
      includeSynonyms: false,
    });
    const entries = configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]);
    expect(entries).toEqual([
      ['cleanup.policy', 'delete'],
      ['retention.ms', String(24 * 60 * 60 * 1000)],
    ]);

    await admin.deleteTopics({ topics: ['b'] });
    expect(await admin.listTopics()).toEqual(['a']);
    expect(events.some((e) => e.type === 'broker.topic.deleted' && e.topic === 'b')).toBe(true);
    expect(events.some((e) => e.type === 'broker.topic.created' && e.topic === 'a' && !e.auto)).toBe(true);
  });

  it('round-trips keyed messages with headers through an idempotent producer and a group consumer', async () => {
    const { bootstrap, broker } = await startTestBroker();
    const kafka = client(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'keyed', numPartitions: 2 }] });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const sent = Array.from({ length: 40 }, (_, i) => ({ key: `user-${i % 7}`, value: `order-${i}`, headers: { trace: `t-${i}`, n: String(i) } }));
    for (let i = 0; i < sent.length; i += 10) {
      await producer.send({ topic: 'keyed', messages: sent.slice(i, i + 10), compression: i === 20 ? CompressionTypes.GZIP : CompressionTypes.None });
    }
    // the idempotent producer's batches carry a producer id and increasing sequences
    const stored = broker.store.partition('keyed', 0)!.read(0n, 1 << 30, true);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored[0]!.readBigInt64BE(43)).toBeGreaterThanOrEqual(0n);

    const consumer = kafka.consumer({ groupId: 'wire-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'keyed', fromBeginning: true });
    const got: { key: string; value: string; trace: string; partition: number }[] = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        got.push({
          key: message.key!.toString(),
          value: message.value!.toString(),
          trace: String(message.headers?.trace),
          partition,
        });
      },
    });
    await waitFor('all 40 messages', () => (got.length >= 40 ? true : undefined));
    expect(got.map((g) => g.value).sort()).toEqual(sent.map((s) => s.value).sort());
    for (const g of got) expect(g.trace).toBe(`t-${g.value.slice('order-'.length)}`);
    // same key, same partition
    const partitionOf = new Map<string, number>();
    for (const g of got) {
      expect(partitionOf.get(g.key) ?? g.partition).toBe(g.partition);
      partitionOf.set(g.key, g.partition);
    }
  });

  it('wakes a parked fetch on append instead of waiting out max wait', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: 'wake', partitions: 1 }] });
    const kafka = client(bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const consumer = kafka.consumer({ groupId: 'wake-group', maxWaitTimeInMs: 6_000 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'wake', fromBeginning: true });
    const arrived: { value: string; at: number }[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void arrived.push({ value: message.value!.toString(), at: Date.now() }) });
    await producer.send({ topic: 'wake', messages: [{ value: 'first' }] });
    await waitFor('the first message', () => (arrived.length >= 1 ? true : undefined));
    // Now the consumer's next fetch is parked for up to 6 s; an append must wake it.
    await new Promise((r) => setTimeout(r, 200));
    const sentAt = Date.now();
    await producer.send({ topic: 'wake', messages: [{ value: 'second' }] });
    await waitFor('the second message', () => (arrived.length >= 2 ? true : undefined));
    expect(arrived[1]!.value).toBe('second');
    // Without a wake-up it would arrive only when the 6 s max wait ends.
    expect(arrived[1]!.at - sentAt).toBeLessThan(2_500);
  });
});
