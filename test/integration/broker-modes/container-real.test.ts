import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createBroker, probeDocker } from '../../../src/broker/index.js';
import { imageMajorVersion } from '../../../src/broker/modes/container.js';
import { eventLog, kafkaConfig, waitFor } from './helpers.js';

// Runs only where a Docker engine answers; elsewhere the test name and a console line say why.
const probe = await probeDocker({ timeoutMs: 3000 });
const skipNote = probe.available ? '' : ` [skipped: no Docker engine: ${probe.reason}]`;
if (!probe.available) console.log(`broker-modes: real-container test skipped: no Docker engine (${probe.reason})`);

describe('kafka.mode container', () => {
  it('reads the major version of an image tag', () => {
    expect(imageMajorVersion('confluentinc/cp-kafka:7.9.1')).toBe(7);
    expect(imageMajorVersion('localhost:5000/confluentinc/cp-kafka:8.1.0')).toBe(8);
    expect(imageMajorVersion('confluentinc/cp-kafka')).toBeUndefined();
    expect(imageMajorVersion('confluentinc/cp-kafka:latest')).toBeUndefined();
  });

  it.skipIf(!probe.available)(`runs a real Kafka in a container, with topics and introspection${skipNote}`, async () => {
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'container', topics: [{ name: 'orders', partitions: 2 }] }), { publish });
    onTestFinished(() => broker.stop());
    await broker.start();
    expect(broker.mode).toBe('container');
    expect(broker.reason).toMatch(/^container \(Docker engine at .+, image confluentinc\/cp-kafka:7\.9\.1\)$/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.topic.created', topic: 'orders', partitions: 2, auto: false }));

    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic: 'orders', messages: [{ key: 'k', value: '{"id":1}', partition: 1 }] });
    const topic = await waitFor('orders to show one record', async () => {
      const t = (await broker.introspection.topics()).find((x) => x.name === 'orders');
      return t && t.partitions[1]?.highWatermark === 1 ? t : undefined;
    });
    expect(topic.partitions).toHaveLength(2);
    const records = await broker.introspection.recentRecords('orders', 1, 10);
    expect(records.map((r) => r.value)).toEqual(['{\n  "id": 1\n}']);
  }, 300_000);
});
