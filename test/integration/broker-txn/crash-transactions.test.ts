/**
 * A transaction open when the broker process is killed with SIGKILL is aborted on restart
 * (an abort marker is written): read_committed never sees its records, nor those of
 * transactions aborted before the crash. The transactional id's producer and epoch survive.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { killBrokerProcess, startBrokerProcess } from '../../helpers/broker-process.js';
import { initProducerId } from './txn-wire.js';
import { consumeValues } from './consume-values.js';
import { Kafka, logLevel } from 'kafkajs';

function kafka(port: number): Kafka {
  return new Kafka({ clientId: 'txn-crash', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
}

describe('transactions on a data directory', () => {
  it('aborts the transaction a SIGKILL left open; read_committed sees only committed records after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devmode-txn-crash-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startBrokerProcess(dir);
    const k1 = kafka(first.port);
    const producer = k1.producer({ transactionalId: 'ledger-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const c = await producer.transaction();
    await c.send({ topic: 'ledger', messages: [{ value: 'c1' }] });
    await c.commit();
    const a = await producer.transaction();
    await a.send({ topic: 'ledger', messages: [{ value: 'a1' }] });
    await a.abort();
    const open = await producer.transaction();
    await open.send({ topic: 'ledger', messages: [{ value: 'open1' }] });
    await killBrokerProcess(first.child);
    await producer.disconnect().catch(() => {});

    const second = await startBrokerProcess(dir);
    const k2 = kafka(second.port);
    expect((await consumeValues(k2, 'ledger', 'rc', false, 1)).sort()).toEqual(['c1']);
    expect((await consumeValues(k2, 'ledger', 'ru', true, 3)).sort()).toEqual(['a1', 'c1', 'open1']);
    // the transactional id survived the crash: epoch 0 at the first InitProducerId, 1 when
    // recovery aborted its open transaction (fencing the producer that was killed with it), 2 now
    expect(await initProducerId(`127.0.0.1:${second.port}`, 'ledger-tx')).toMatchObject({ error: 0, epoch: 2 });
    const again = k2.producer({ transactionalId: 'ledger-tx', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    onTestFinished(() => again.disconnect());
    const t = await again.transaction();
    await t.send({ topic: 'ledger', messages: [{ value: 'c2' }] });
    await t.commit();
    expect((await consumeValues(k2, 'ledger', 'rc2', false, 2)).sort()).toEqual(['c1', 'c2']);
  });
});
