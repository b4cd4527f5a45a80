/**
 * Open transactions as views see them: a kafkajs transactional producer against the
 * embedded broker in its worker thread (as devmode runs it); the Store, reading the
 * broker's introspection, shows the transaction (id, producer, partitions with their first
 * offset, the group whose offsets it carries, timeout) and the last stable offset held
 * behind the end, until the commit, after which both are gone.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { createBroker } from '../../../src/broker/index.js';
import { Bus } from '../../../src/core/bus.js';
import { EventStore, toSystemState } from '../../../src/core/store/index.js';
import { kafkaConfig } from '../broker-modes/helpers.js';

describe('open transactions in the read model', () => {
  it('a begun transaction is seen with its partitions, group and timeout, holding the last stable offset; gone once committed', async () => {
    const bus = new Bus();
    const broker = createBroker(kafkaConfig({ mode: 'embedded', topics: [{ name: 'ledger', partitions: 2 }] }), { publish: (e) => bus.publish(e) });
    onTestFinished(() => broker.stop());
    const store = new EventStore({ bus, name: 'shop', pollMs: 0, sources: { broker: broker.introspection } });
    onTestFinished(() => store.close());
    await broker.start();

    const k = new Kafka({ clientId: 'ledger-service', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
    const plain = k.producer();
    await plain.connect();
    onTestFinished(() => plain.disconnect());
    await plain.send({ topic: 'ledger', messages: [{ partition: 0, value: 'before' }] });
    const producer = k.producer({ transactionalId: 'ledger-tx', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const began = Date.now();
    const txn = await producer.transaction();
    await txn.send({ topic: 'ledger', messages: [{ partition: 0, value: 't1' }, { partition: 0, value: 't2' }] });
    await txn.sendOffsets({ consumerGroupId: 'billing', topics: [{ topic: 'ledger', partitions: [{ partition: 1, offset: '0' }] }] });
    await store.refresh();
    let b = store.getSnapshot().broker;
    expect(b.transactions).toHaveLength(1);
    const open = b.transactions[0]!;
    expect(open).toMatchObject({ transactionalId: 'ledger-tx', epoch: 0, state: 'Ongoing', timeoutMs: 30_000, partitions: [{ topic: 'ledger', partition: 0, firstOffset: 1 }], groups: ['billing'] });
    expect(open.producerId).toBeGreaterThan(0);
    expect(open.startedAt).toBeGreaterThanOrEqual(began - 1000);
    expect(open.startedAt).toBeLessThanOrEqual(Date.now());
    // read_committed consumers stop at the transaction's first record; the end is past it
    expect(b.topics.find((t) => t.name === 'ledger')!.partitions[0]).toMatchObject({ highWatermark: 3, lastStableOffset: 1 });
    expect(toSystemState(store.getSnapshot()).transactions).toEqual(b.transactions);

    await txn.commit();
    await store.refresh();
    b = store.getSnapshot().broker;
    expect(b.transactions).toEqual([]);
    // the commit marker takes an offset; nothing holds read_committed back any more
    expect(b.topics.find((t) => t.name === 'ledger')!.partitions[0]).toMatchObject({ highWatermark: 4, lastStableOffset: 4 });
  });
});
