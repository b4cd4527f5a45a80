/**
 * The aborted-transactions list follows the log start offset (as Kafka drops a deleted
 * segment's transaction index): after DeleteRecords or retention past aborted transactions,
 * the ones wholly below the new log start are dropped, one straddling it is kept, and
 * read_committed still filters what remains.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { consumeValues } from './consume-values.js';

/** A broker with a one-partition topic `ledger`, a client and a transactional producer. */
async function setup() {
  const { broker, bootstrap } = await startTestBroker({ topics: [{ name: 'ledger', partitions: 1 }] });
  const k = new Kafka({ clientId: 'txn-retention', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
  const producer = k.producer({ transactionalId: 'ledger-tx', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return { broker, k, producer };
}

describe('aborted transactions and the log start offset', () => {
  it('drops the aborted transactions DeleteRecords removed; keeps the one across the new start; read_committed unchanged', async () => {
    const { broker, k, producer } = await setup();
    // offsets: a1 0, abort marker 1; c1 2, commit marker 3; a2 4, a3 5, abort marker 6
    for (const [values, commit] of [[['a1'], false], [['c1'], true], [['a2', 'a3'], false]] as const) {
      const t = await producer.transaction();
      await t.send({ topic: 'ledger', messages: values.map((value) => ({ value })) });
      if (commit) await t.commit();
      else await t.abort();
    }
    expect(broker.transactions.abortedCount('ledger', 0)).toBe(2);

    const admin = k.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.fetchTopicMetadata({ topics: ['ledger'] }); // kafkajs needs the partition leaders first
    await admin.deleteTopicRecords({ topic: 'ledger', partitions: [{ partition: 0, offset: '5' }] });
    expect(broker.store.partition('ledger', 0)!.logStartOffset).toBe(5n);
    // c2 at 7, commit marker 8
    const t = await producer.transaction();
    await t.send({ topic: 'ledger', messages: [{ value: 'c2' }] });
    await t.commit();
    // a1's transaction [0, 1] is gone; a2/a3's [4, 6] straddles the start and still hides a3
    expect(broker.transactions.abortedCount('ledger', 0)).toBe(1);
    expect(await consumeValues(k, 'ledger', 'after-5', false, 1)).toEqual(['c2']);

    await admin.deleteTopicRecords({ topic: 'ledger', partitions: [{ partition: 0, offset: '7' }] });
    expect(await consumeValues(k, 'ledger', 'after-7', false, 1)).toEqual(['c2']);
    expect(broker.transactions.abortedCount('ledger', 0)).toBe(0);
  });

  it('drops the aborted transactions retention removed', async () => {
    const { broker, k, producer } = await setup();
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'ledger', messages: [{ value: 'a1' }] });
    await aborted.abort();
    expect(broker.transactions.abortedCount('ledger', 0)).toBe(1);
    await new Promise((r) => setTimeout(r, 20));

    // retention.ms=1: every record is older; the topic's segments go at once (AlterConfigs applies it now)
    const admin = k.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'ledger', configEntries: [{ name: 'retention.ms', value: '1' }] }] });
    expect(broker.store.partition('ledger', 0)!.logStartOffset).toBe(2n);
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'ledger', configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
    const t = await producer.transaction();
    await t.send({ topic: 'ledger', messages: [{ value: 'c1' }] });
    await t.commit();
    expect(broker.transactions.abortedCount('ledger', 0)).toBe(0);
    expect(await consumeValues(k, 'ledger', 'after-retention', false, 1)).toEqual(['c1']);
  });
});

