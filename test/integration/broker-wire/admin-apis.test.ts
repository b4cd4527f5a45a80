/**
 * The admin API beyond the common paths, with kafkajs, @platformatic/kafka and kcat:
 * CreatePartitions, AlterConfigs, IncrementalAlterConfigs, DeleteRecords, OffsetDelete,
 * DescribeCluster, DescribeProducers, DescribeTransactions; a group's protocol type across
 * a restart on the data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startBroker, startTestBroker } from '../../helpers/broker.js';
import { kcat } from '../../helpers/kcat.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { admin as platformaticAdmin } from '../broker-platformatic/clients.js';
import { RawClient } from './raw-client.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

function kafka(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'admin-apis', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
}

async function connectedAdmin(bootstrap: string) {
  const admin = kafka(bootstrap).admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  return admin;
}

/** A flexible request with header v2, answered with header v1 (correlation id + tags). */
async function flexible(bootstrap: string, key: number, version: number, body: Buffer): Promise<Reader> {
  const c = await RawClient.connect(bootstrap);
  onTestFinished(() => c.close());
  c.send(RawClient.frame(key, version, 9, body, true));
  const frame = await c.next();
  if (!frame) throw new Error(`closed on key ${key} v${version}`);
  const r = new Reader(frame);
  expect(r.int32()).toBe(9);
  r.taggedFields();
  return r;
}

describe('admin APIs', () => {
  itKcat('kafkajs: CreatePartitions grows a topic kcat then sees; AlterConfigs replaces configs and they act', async () => {
    const { bootstrap } = await startTestBroker();
    const admin = await connectedAdmin(bootstrap);
    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4 }] });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] })).rejects.toThrow();
    const meta = await kcat(bootstrap, ['-L', '-t', 'grow']);
    expect(meta.stdout).toContain('topic "grow" with 4 partitions');
    expect((await kcat(bootstrap, ['-P', '-t', 'grow', '-p', '3'], 'on-3\n')).exitCode).toBe(0);

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'grow', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'grow', configNames: ['max.message.bytes', 'retention.ms'] }],
      includeSynonyms: false,
    });
    // AlterConfigs replaces the whole set: retention.ms is back to its default
    expect(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue, e.isDefault])).toEqual([
      ['max.message.bytes', '1000', false],
      ['retention.ms', String(24 * 3600 * 1000), false], // the broker's default (source STATIC_BROKER_CONFIG)
    ]);
    const big = await kcat(bootstrap, ['-P', '-t', 'grow', '-p', '0', '-X', 'message.send.max.retries=0'], `${'z'.repeat(3000)}\n`);
    expect(big.exitCode).not.toBe(0);
    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'grow', configEntries: [{ name: 'segment.ms', value: '0' }] }] }),
    ).rejects.toThrow();
  });

  itKcat('kafkajs: DeleteRecords moves the low watermark; consumers start there', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'trim', partitions: 1 }] });
    const admin = await connectedAdmin(bootstrap);
    expect((await kcat(bootstrap, ['-P', '-t', 'trim'], 'a\nb\nc\nd\ne\n')).exitCode).toBe(0);
    await admin.fetchTopicMetadata({ topics: ['trim'] }); // kafkajs needs the partition leaders first
    await admin.deleteTopicRecords({ topic: 'trim', partitions: [{ partition: 0, offset: '3' }] });
    expect(broker.store.partition('trim', 0)!.logStartOffset).toBe(3n);
    const offsets = await admin.fetchTopicOffsets('trim');
    expect(offsets[0]).toMatchObject({ low: '3', high: '5' });
    const read = await kcat(bootstrap, ['-C', '-t', 'trim', '-o', 'beginning', '-e', '-f', '%o:%s\n']);
    expect(read.stdout).toBe('3:d\n4:e\n');
    await expect(admin.deleteTopicRecords({ topic: 'trim', partitions: [{ partition: 0, offset: '9' }] })).rejects.toThrow();
  });

  itKcat('@platformatic/kafka: IncrementalAlterConfigs, DeleteRecords and OffsetDelete', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'inc', partitions: 1 }] });
    const admin = platformaticAdmin(bootstrap);
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: 2,
          resourceName: 'inc',
          configs: [
            { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
            { name: 'retention.ms', configOperation: 0, value: '5000' },
          ],
        },
      ],
    });
    const [desc] = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'inc', configurationKeys: ['cleanup.policy', 'retention.ms'] }] });
    expect(desc!.configs.map((c) => [c.name, c.value])).toEqual([
      ['cleanup.policy', 'delete,compact'],
      ['retention.ms', '5000'],
    ]);
    const refused = await admin
      .incrementalAlterConfigs({ resources: [{ resourceType: 2, resourceName: 'inc', configs: [{ name: 'retention.ms', configOperation: 2, value: '1' }] }] })
      .then(() => 'accepted')
      .catch((e: { errors?: { response?: unknown; message?: string }[] }) => JSON.stringify(e.errors?.map((x) => x.response ?? x.message)));
    expect(refused).toContain('"errorCode":40');
    expect(refused).toContain('Config value append is not allowed for config key: retention.ms');
    await admin.incrementalAlterConfigs({ resources: [{ resourceType: 2, resourceName: 'inc', configs: [{ name: 'retention.ms', configOperation: 1 }] }] });
    expect(broker.store.topic('inc')!.configs).toEqual({ 'cleanup.policy': 'delete,compact' });

    expect((await kcat(bootstrap, ['-P', '-t', 'inc', '-K:'], 'a:1\nb:2\nc:3\n')).exitCode).toBe(0);
    const deleted = await admin.deleteRecords({ topics: [{ name: 'inc', partitions: [{ partition: 0, offset: 2n }] }] });
    expect(deleted).toEqual([{ name: 'inc', partitions: [{ partition: 0, lowWatermark: 2n }] }]);

    broker.store.commitOffset('idle', 'inc', 0, { offset: 2n, leaderEpoch: -1, metadata: null, commitTimestamp: 0 });
    await admin.deleteConsumerGroupOffsets({ groupId: 'idle', topics: [{ name: 'inc', partitionIndexes: [0] }] });
    expect(broker.store.committedOffset('idle', 'inc', 0)).toBeUndefined();
    await expect(admin.deleteConsumerGroupOffsets({ groupId: 'nobody', topics: [{ name: 'inc', partitionIndexes: [0] }] })).rejects.toThrow();
  });

  it('OffsetDelete refuses a topic a live member consumes (GROUP_SUBSCRIBED_TO_TOPIC)', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'live', partitions: 1 }, { name: 'old', partitions: 1 }] });
    const consumer = kafka(bootstrap).consumer({ groupId: 'busy' });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'live' });
    await consumer.run({ eachMessage: async () => {} });
    const deadline = Date.now() + 15_000;
    while (broker.groups.snapshot().find((g) => g.groupId === 'busy')?.state !== 'Stable' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    broker.store.commitOffset('busy', 'old', 0, { offset: 1n, leaderEpoch: -1, metadata: null, commitTimestamp: 0 });
    const body = new Writer()
      .string('busy')
      .array(['live', 'old'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p)))
      .toBuffer();
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    c.send(RawClient.frame(47, 0, 3, body));
    const r = new Reader((await c.next())!);
    expect(r.int32()).toBe(3);
    expect(r.int16()).toBe(0);
    r.int32();
    expect(r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16()])])).toEqual([
      ['live', [[0, 86]]],
      ['old', [[0, 0]]],
    ]);
    expect(broker.store.committedOffset('busy', 'old', 0)).toBeUndefined();
  });

  it('DescribeCluster, DescribeProducers and DescribeTransactions answer what the broker knows', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'idem', partitions: 1 }] });
    const kafkajs = kafka(bootstrap);
    const producer = kafkajs.producer({ idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic: 'idem', messages: [{ value: '1' }, { value: '2' }] });

    let r = await flexible(bootstrap, 60, 1, Buffer.from([0, 1, 0]));
    r.int32();
    expect(r.int16()).toBe(0);
    expect(r.compactNullableString()).toBeNull();
    expect(r.int8()).toBe(1);
    expect(r.compactString()).toBe(broker.clusterId);
    expect(r.int32()).toBe(1);
    expect(r.compactArray((b) => [b.int32(), b.compactString(), b.int32(), b.compactNullableString(), b.taggedFields()].slice(0, 3))).toEqual([[1, '127.0.0.1', broker.port]]);

    const describeProducers = new Writer().compactArray(['idem'], (w, t) => w.compactString(t).compactArray([0], (w, p) => w.int32(p)).uvarint(0)).uvarint(0).toBuffer();
    r = await flexible(bootstrap, 61, 0, describeProducers);
    r.int32();
    const topics = r.compactArray((t) => {
      const name = t.compactString();
      const parts = t.compactArray((p) => {
        const partition = p.int32();
        const error = p.int16();
        p.compactNullableString();
        const producers = p.compactArray((s) => {
          const x = { id: s.int64(), epoch: s.int32(), lastSequence: s.int32() };
          s.int64();
          s.int32();
          s.int64();
          s.taggedFields();
          return x;
        });
        p.taggedFields();
        return { partition, error, producers };
      });
      t.taggedFields();
      return { name, parts };
    });
    expect(topics[0]!.parts[0]).toMatchObject({ partition: 0, error: 0 });
    expect(topics[0]!.parts[0]!.producers).toHaveLength(1);
    expect(topics[0]!.parts[0]!.producers[0]!.lastSequence).toBe(1);

    const describeTxn = new Writer().compactArray(['nobody'], (w, id) => w.compactString(id)).uvarint(0).toBuffer();
    r = await flexible(bootstrap, 65, 0, describeTxn);
    r.int32();
    const states = r.compactArray((s) => {
      const error = s.int16();
      const id = s.compactString();
      s.compactString();
      s.int32();
      s.int64();
      s.int64();
      s.int16();
      s.compactArray((t) => t.compactString());
      s.taggedFields();
      return [error, id];
    });
    expect(states).toEqual([[105, 'nobody']]);
  });

  itKcat("a group's protocol type survives a restart on the data directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devmode-admin-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    let started = await startBroker({ dataDir: dir, topics: [{ name: 'events', partitions: 1 }] });
    try {
      expect((await kcat(started.bootstrap, ['-P', '-t', 'events'], 'x\ny\n')).exitCode).toBe(0);
      const consumer = kafka(started.bootstrap).consumer({ groupId: 'readers' });
      await consumer.connect();
      await consumer.subscribe({ topic: 'events', fromBeginning: true });
      let seen = 0;
      await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => void (++seen === 2 && resolve()) }));
      await consumer.disconnect(); // commits what it consumed
      expect(started.broker.store.committedOffset('readers', 'events', 0)?.offset).toBe(2n);
    } finally {
      await started.broker.stop();
    }
    started = await startBroker({ dataDir: dir });
    onTestFinished(() => started.broker.stop());
    const admin = await connectedAdmin(started.bootstrap);
    const { groups } = await admin.listGroups();
    expect(groups).toEqual([{ groupId: 'readers', protocolType: 'consumer' }]);
  });
});
