import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { consumeValues } from './consume-values.js';
import { startTestBroker } from '../../helpers/broker.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { RawClient } from '../broker-wire/raw-client.js';

/** ListTransactions v0 with a state filter: [transactional id, state][]. */
async function listTransactions(bootstrap: string, states: string[]): Promise<[string, string][]> {
  const c = await RawClient.connect(bootstrap);
  onTestFinished(() => c.close());
  const body = new Writer().compactArray(states, (w, s) => w.compactString(s)).compactArray([], () => {}).uvarint(0).toBuffer();
  c.send(RawClient.frame(66, 0, 9, body, true));
  const frame = await c.next();
  if (!frame) throw new Error('closed on ListTransactions');
  const r = new Reader(frame);
  r.int32();
  r.taggedFields();
  r.int32();
  expect(r.int16()).toBe(0);
  r.compactArray((s) => s.compactString());
  return r.compactArray((s) => {
    const id = s.compactString();
    s.int64();
    const state = s.compactString();
    s.taggedFields();
    return [id, state] as [string, string];
  });
}

/** DescribeTransactions v0 for one transactional id: [error, state, producer epoch, topic partitions]. */
async function describeTransaction(bootstrap: string, id: string): Promise<[number, string, number, [string, number[]][]]> {
  const c = await RawClient.connect(bootstrap);
  onTestFinished(() => c.close());
  c.send(RawClient.frame(65, 0, 9, new Writer().compactArray([id], (w, id) => w.compactString(id)).uvarint(0).toBuffer(), true));
  const frame = await c.next();
  if (!frame) throw new Error('closed on DescribeTransactions');
  const r = new Reader(frame);
  r.int32();
  r.taggedFields();
  r.int32();
  const [state] = r.compactArray((s) => {
    const error = s.int16();
    s.compactString();
    const state = s.compactString();
    s.int32();
    s.int64();
    s.int64();
    const epoch = s.int16();
    const topics = s.compactArray((t) => {
      const name = t.compactString();
      const parts = t.compactArray((p) => p.int32());
      t.taggedFields();
      return [name, parts] as [string, number[]];
    });
    s.taggedFields();
    return [error, state, epoch, topics] as [number, string, number, [string, number[]][]];
  });
  return state!;
}

function client(bootstrap: string, clientId = 'txn-test'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
}

async function txnProducer(kafka: Kafka, transactionalId: string, transactionTimeout?: number) {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, ...(transactionTimeout ? { transactionTimeout } : {}) });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

describe('kafkajs 2.2 transactions against the embedded broker', () => {
  it('commit and abort: read_committed sees exactly the committed records, read_uncommitted all', async () => {
    const { bootstrap, events } = await startTestBroker();
    const kafka = client(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    const producer = await txnProducer(kafka, 'orders-tx');

    const t1 = await producer.transaction();
    await t1.send({ topic: 'orders', messages: [{ partition: 0, value: 'c1' }, { partition: 1, value: 'c2' }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'orders', messages: [{ partition: 0, value: 'a1' }, { partition: 1, value: 'a2' }] });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: 'orders', messages: [{ partition: 0, value: 'c3' }] });
    await t3.commit();

    const committed = await consumeValues(kafka, 'orders', 'rc', false, 3);
    expect(committed.sort()).toEqual(['c1', 'c2', 'c3']);
    const all = await consumeValues(kafka, 'orders', 'ru', true, 5);
    expect(all.sort()).toEqual(['a1', 'a2', 'c1', 'c2', 'c3']);
    // each partition holds its records and one control batch per transaction that touched it
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.find((o) => o.partition === 0)?.high).toBe('6'); // c1 m a1 m c3 m
    expect(offsets.find((o) => o.partition === 1)?.high).toBe('4'); // c2 m a2 m
    // no client problem is reported for a transactional producer any more
    expect(events.some((e) => e.type === 'broker.client.error')).toBe(false);
  });

  it('an open transaction holds read_committed back at the last stable offset until commit', async () => {
    const { bootstrap } = await startTestBroker();
    const kafka = client(bootstrap);
    const plain = kafka.producer();
    await plain.connect();
    onTestFinished(() => plain.disconnect());
    await plain.send({ topic: 'lso', messages: [{ value: 'before' }] });
    const producer = await txnProducer(kafka, 'lso-tx');
    const tx = await producer.transaction();
    await tx.send({ topic: 'lso', messages: [{ value: 'in-txn' }] });
    expect(await describeTransaction(bootstrap, 'lso-tx')).toEqual([0, 'Ongoing', 0, [['lso', [0]]]]);
    expect(await listTransactions(bootstrap, ['Ongoing'])).toEqual([['lso-tx', 'Ongoing']]);
    await plain.send({ topic: 'lso', messages: [{ value: 'after' }] }); // above the LSO: held back too

    const consumer = kafka.consumer({ groupId: 'lso-rc', maxWaitTimeInMs: 100 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'lso', fromBeginning: true });
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    const until = async (n: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (values.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    await new Promise((r) => setTimeout(r, 700));
    expect(values).toEqual(['before']);
    await tx.commit();
    await until(3);
    expect(values).toEqual(['before', 'in-txn', 'after']);
    expect(await describeTransaction(bootstrap, 'lso-tx')).toEqual([0, 'Empty', 0, []]);
    expect(await listTransactions(bootstrap, ['Ongoing'])).toEqual([]);
    expect(await listTransactions(bootstrap, [])).toEqual([['lso-tx', 'Empty']]);
  });

  it('sendOffsets: the group offsets become visible to OffsetFetch only when the transaction commits', async () => {
    const { bootstrap } = await startTestBroker();
    const kafka = client(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'in' }, { topic: 'out' }] });
    const producer = await txnProducer(kafka, 'eos-tx');
    const committedOf = async (): Promise<string | undefined> =>
      (await admin.fetchOffsets({ groupId: 'eos-group', topics: ['in'] }))[0]?.partitions.find((p) => p.partition === 0)?.offset;

    const aborted = await producer.transaction();
    await aborted.send({ topic: 'out', messages: [{ value: 'x' }] });
    await aborted.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '5' }] }] });
    expect(await committedOf()).toBe('-1'); // staged, not committed
    await aborted.abort();
    expect(await committedOf()).toBe('-1');

    const tx = await producer.transaction();
    await tx.send({ topic: 'out', messages: [{ value: 'y' }] });
    await tx.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '7' }] }] });
    expect(await committedOf()).toBe('-1');
    await tx.commit();
    expect(await committedOf()).toBe('7');
  });

  it('fences the older of two producers with the same transactional id; its open transaction is aborted', async () => {
    const { bootstrap } = await startTestBroker();
    const kafka = client(bootstrap);
    const older = await txnProducer(kafka, 'fence-tx');
    const tx = await older.transaction();
    await tx.send({ topic: 'fence', messages: [{ value: 'zombie' }] });
    const newer = await txnProducer(kafka, 'fence-tx');
    const t2 = await newer.transaction(); // kafkajs sends InitProducerId here: the older producer is fenced
    await expect(tx.send({ topic: 'fence', messages: [{ value: 'zombie-2' }] })).rejects.toThrow(/epoch|fenced/i);
    await expect(tx.commit()).rejects.toThrow(/epoch|fenced/i);
    await t2.send({ topic: 'fence', messages: [{ value: 'ok' }] });
    await t2.commit();
    expect(await consumeValues(kafka, 'fence', 'fence-rc', false, 1)).toEqual(['ok']);
  });

  it('aborts a transaction open longer than its timeout and fences its producer', async () => {
    const { bootstrap } = await startTestBroker();
    const kafka = client(bootstrap);
    const producer = await txnProducer(kafka, 'slow-tx', 300);
    const tx = await producer.transaction();
    await tx.send({ topic: 'slow', messages: [{ value: 'late' }] });
    await new Promise((r) => setTimeout(r, 1000));
    await expect(tx.commit()).rejects.toThrow(/epoch|fenced/i);
    const plain = kafka.producer();
    await plain.connect();
    onTestFinished(() => plain.disconnect());
    await plain.send({ topic: 'slow', messages: [{ value: 'plain' }] });
    // the abort marker moved the LSO past 'late', which read_committed drops
    expect(await consumeValues(kafka, 'slow', 'slow-rc', false, 1)).toEqual(['plain']);
  });
});
