/** @platformatic/kafka 2 transactions: commit and abort, a read_committed stream sees exactly the committed records. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.js';
import { Collected, admin, consumer } from '../broker-platformatic/clients.js';

describe('@platformatic/kafka 2 transactions against the embedded broker', () => {
  it('commits and aborts; read_committed gets only the committed records', async () => {
    const { bootstrap } = await startTestBroker();
    await admin(bootstrap).createTopics({ topics: ['pk-txn'], partitions: 1, replicas: 1 });
    const p = new Producer({ clientId: 'pk-txn', bootstrapBrokers: [bootstrap], timeout: 5_000, retries: 3, retryDelay: 100, serializers: stringSerializers, idempotent: true, transactionalId: 'pk-tx' });
    onTestFinished(() => p.close(true));

    const committed = await p.beginTransaction();
    await committed.send({ messages: [{ topic: 'pk-txn', value: 'c1' }, { topic: 'pk-txn', value: 'c2' }] });
    await committed.commit();
    const aborted = await p.beginTransaction();
    await aborted.send({ messages: [{ topic: 'pk-txn', value: 'a1' }] });
    await aborted.abort();
    const last = await p.beginTransaction();
    await last.send({ messages: [{ topic: 'pk-txn', value: 'c3' }] });
    await last.commit();

    const c = consumer(bootstrap, 'pk-rc');
    const got = new Collected(await c.consume({ topics: ['pk-txn'], mode: 'earliest', isolationLevel: 1 }));
    await got.waitFor(3);
    await got.nextFetch();
    await got.nextFetch();
    expect(got.values()).toEqual(['c1', 'c2', 'c3']);
  });
});
