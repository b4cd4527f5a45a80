/**
 * Transactional ids are kept with the data directory (Kafka's __transaction_state): a
 * broker restarted on it gives InitProducerId the same producer id with a higher epoch, and
 * a transaction left open at the stop is aborted with its producer fenced, so a producer
 * that outlived the broker cannot commit what recovery aborted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, startTestBroker } from '../../helpers/broker.js';
import { endTxn, initProducerId } from './txn-wire.js';

const INVALID_PRODUCER_EPOCH = 47;

describe('transactional ids on a data directory', () => {
  it('a restarted broker keeps each id\'s producer id and bumps its epoch; an open transaction is aborted and its producer fenced', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'devmode-txn-ids-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startBroker({ dataDir });
    onTestFinished(() => first.broker.stop());
    const a0 = await initProducerId(first.bootstrap, 'tx-a');
    expect(a0.error).toBe(0);
    const a1 = await initProducerId(first.bootstrap, 'tx-a');
    expect(a1).toEqual({ error: 0, producerId: a0.producerId, epoch: a0.epoch + 1 });

    // tx-b: a kafkajs producer with a transaction open when the broker stops
    const k = new Kafka({ clientId: 'txn-ids', brokers: [first.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const producer = k.producer({ transactionalId: 'tx-b', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'ledger', messages: [{ value: 'open' }] });
    const b = first.broker.transactions.describe('tx-b')!;
    expect(b.state).toBe('Ongoing');
    await first.broker.stop();
    await producer.disconnect().catch(() => {});

    const second = await startTestBroker({ dataDir });
    expect(second.broker.transactions.open()).toEqual([]); // aborted by recovery
    // the producer that outlived the broker is fenced: its commit cannot pass for a success
    expect(await endTxn(second.bootstrap, 'tx-b', b.producerId, b.epoch, true)).toBe(INVALID_PRODUCER_EPOCH);
    const a2 = await initProducerId(second.bootstrap, 'tx-a');
    expect(a2).toEqual({ error: 0, producerId: a0.producerId, epoch: a1.epoch + 1 });
    const b2 = await initProducerId(second.bootstrap, 'tx-b');
    expect(b2.producerId).toBe(b.producerId);
    expect(b2.epoch).toBeGreaterThan(b.epoch);
    // a new id gets a producer id none of the kept ones has
    const c = await initProducerId(second.bootstrap, 'tx-c');
    expect([a0.producerId, b.producerId]).not.toContain(c.producerId);
    // the restarted producer goes on: a transaction commits
    const k2 = new Kafka({ clientId: 'txn-ids', brokers: [second.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const again = k2.producer({ transactionalId: 'tx-b', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    onTestFinished(() => again.disconnect());
    const t = await again.transaction();
    await t.send({ topic: 'ledger', messages: [{ value: 'committed' }] });
    await t.commit();
    expect(second.broker.transactions.describe('tx-b')).toMatchObject({ producerId: b.producerId, state: 'Empty' });
  });

  it('in memory, a restarted broker starts afresh (no data directory, nothing kept)', async () => {
    const first = await startBroker();
    const a = await initProducerId(first.bootstrap, 'tx-a');
    await first.broker.stop();
    const second = await startTestBroker();
    const again = await initProducerId(second.bootstrap, 'tx-a');
    expect(again.producerId).not.toBe(a.producerId);
    expect(again.epoch).toBe(0);
  });
});
