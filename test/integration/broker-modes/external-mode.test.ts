import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedBroker } from '../../../src/broker/embedded.js';
import { BrokerSetupError, createBroker } from '../../../src/broker/index.js';
import { closedPort, eventLog, kafkaConfig, waitFor } from './helpers.js';

/** A broker devmode did not start, as if it were someone else's cluster. */
async function someoneElsesKafka(): Promise<string> {
  const cluster = new EmbeddedBroker({ host: '127.0.0.1', port: 0 });
  await cluster.start();
  onTestFinished(() => cluster.stop());
  return cluster.bootstrap;
}

describe('kafka.mode external', () => {
  it('creates declared topics and shows topics, offsets and a consumer group with lag', async () => {
    const bootstrap = await someoneElsesKafka();
    const { events, publish } = eventLog();
    const broker = createBroker(
      kafkaConfig({ mode: 'external', brokers: [bootstrap], topics: [{ name: 'orders', partitions: 3 }] }),
      { publish },
    );
    onTestFinished(() => broker.stop());
    await broker.start();
    expect(broker.mode).toBe('external');
    expect(broker.bootstrap).toBe(bootstrap);
    expect(events.map((e) => e.type)).toEqual(['broker.topic.created', 'broker.started']);
    expect(events[0]).toMatchObject({ topic: 'orders', partitions: 3, auto: false });

    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const send = (from: number, count: number) =>
      producer.send({
        topic: 'orders',
        messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: JSON.stringify({ order: from + i }), partition: 0 })),
      });
    await send(0, 10);

    // a group consumes everything, commits, and leaves
    const consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let consumed = 0;
    await consumer.run({ eachMessage: async () => void consumed++ });
    await waitFor('the consumer to read 10 records', () => (consumed >= 10 ? true : undefined), 20_000);

    const live = await waitFor('a stable group with committed offsets', async () => {
      const g = (await broker.introspection.groups()).find((x) => x.groupId === 'billing');
      return g?.state === 'Stable' && g.offsets.some((o) => o.partition === 0 && o.committed === 10) ? g : undefined;
    }, 20_000);
    expect(live.members).toHaveLength(1);
    expect(live.members[0]?.assignments).toEqual([{ topic: 'orders', partitions: [0, 1, 2] }]);
    expect(live.protocol).toBeTruthy();

    await consumer.disconnect();
    await send(10, 5);
    const idle = await waitFor('the group to show lag 5', async () => {
      const g = (await broker.introspection.groups()).find((x) => x.groupId === 'billing');
      return g?.offsets.find((o) => o.partition === 0 && o.lag === 5) ? g : undefined;
    });
    expect(idle.state).toBe('Empty');
    expect(idle.offsets.find((o) => o.partition === 0)).toEqual({ topic: 'orders', partition: 0, committed: 10, highWatermark: 15, lag: 5 });

    const topics = await broker.introspection.topics();
    const orders = topics.find((t) => t.name === 'orders');
    expect(orders?.partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark])).toEqual([
      [0, 0, 15],
      [1, 0, 0],
      [2, 0, 0],
    ]);

    const recent = await broker.introspection.recentRecords('orders', 0, 3);
    expect(recent.map((r) => [r.offset, r.key])).toEqual([
      [12, 'k12'],
      [13, 'k13'],
      [14, 'k14'],
    ]);
    expect(recent[2]?.value).toBe('{\n  "order": 14\n}');
  });

  it('leaves existing topics alone', async () => {
    const bootstrap = await someoneElsesKafka();
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'external', brokers: [bootstrap], topics: [{ name: 'orders', partitions: 3 }] }), { publish });
    onTestFinished(() => broker.stop());
    await broker.start();
    expect(events.filter((e) => e.type === 'broker.topic.created')).toEqual([]);
  });

  it('fails with one clear line when the cluster cannot be reached', async () => {
    const port = await closedPort();
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'external', brokers: [`127.0.0.1:${port}`] }), { publish });
    const error: unknown = await broker.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrokerSetupError);
    expect((error as Error).message).toBe(
      `cannot reach Kafka at 127.0.0.1:${port} (external mode): ECONNREFUSED; check kafka.brokers in devmode.yaml`,
    );
    await broker.stop();
    expect(events).toEqual([]);
  });
});
