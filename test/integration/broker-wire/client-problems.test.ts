/**
 * `broker.client.error` events as a service's client triggers them: typed (kind, API,
 * version), attributed to the service instance that owns the connection, with a hint.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient } from './raw-client.js';

type ProblemEvent = Extract<BrokerEvent, { type: 'broker.client.error' }>;

async function waitForProblem(events: BrokerEvent[], match: (e: ProblemEvent) => boolean): Promise<ProblemEvent> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = events.find((e): e is ProblemEvent => e.type === 'broker.client.error' && match(e));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such problem among ${JSON.stringify(events.filter((e) => e.type === 'broker.client.error'))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('client problems as events', () => {
  it('names the service instance owning the connection, the API and the version', async () => {
    const { bootstrap, events } = await startTestBroker({ resolveClient: async () => ({ pid: 4242, service: 'order', instance: 1 }) });
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    c.send(RawClient.frame(1, 42, 1, Buffer.alloc(8), false, 'order-producer'));
    await c.closed;
    const e = await waitForProblem(events, (e) => e.api === 'Fetch');
    expect(e).toMatchObject({ kind: 'unsupported-version', api: 'Fetch', version: 42, clientId: 'order-producer', service: 'order', instance: 1, closed: true });
    expect(e.hint).toMatch(/newer than this broker/);
  });

  it('reports a produce refused with an error code clients misreport, without closing the connection', async () => {
    const { bootstrap, events } = await startTestBroker({ maxMessageBytes: 2000 });
    const kafka = new Kafka({ clientId: 'kjs', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await expect(producer.send({ topic: 'small', messages: [{ value: 'x'.repeat(5000) }] })).rejects.toThrow();
    const e = await waitForProblem(events, (e) => e.kind === 'refused');
    expect(e).toMatchObject({ api: 'Produce', clientId: 'kjs', closed: false });
    expect(e.message).toMatch(/MESSAGE_TOO_LARGE/);
    // the same client can still produce
    await producer.send({ topic: 'small', messages: [{ value: 'ok' }] });
  });

  it('tells a transactional producer that transactions are not supported, naming what to do', async () => {
    const { bootstrap, events } = await startTestBroker();
    const kafka = new Kafka({ clientId: 'txn-app', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const producer = kafka.producer({ transactionalId: 'orders-tx', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const tx = await producer.transaction();
    await expect(tx.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toThrow();
    // kafkajs checks ApiVersions and fails on its side; the broker says why at InitProducerId
    const e = await waitForProblem(events, (e) => e.api === 'InitProducerId');
    expect(e).toMatchObject({ kind: 'unsupported-feature', clientId: 'txn-app', closed: false });
    expect(e.message).toMatch(/transactional\.id "orders-tx"\); devmode's embedded broker does not support transactions yet/);
    expect(e.hint).toMatch(/without transactional\.id/);
  });

  it('names transactions when a client skips ApiVersions and sends AddPartitionsToTxn', async () => {
    const { bootstrap, events } = await startTestBroker();
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    c.send(RawClient.frame(24, 1, 1, Buffer.alloc(16), false, 'old-txn'));
    await c.closed;
    const e = await waitForProblem(events, (e) => e.api === 'AddPartitionsToTxn');
    expect(e).toMatchObject({ kind: 'unsupported-api', clientId: 'old-txn', closed: true });
    expect(e.message).toMatch(/uses transactions, which devmode's embedded broker does not support yet/);
  });

  it('tells TLS and HTTP on the Kafka port apart from a broken client', async () => {
    const { bootstrap, events } = await startTestBroker();
    for (const bytes of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])]) {
      const c = await RawClient.connect(bootstrap);
      c.send(bytes);
      await c.closed;
    }
    const http = await waitForProblem(events, (e) => e.message.includes('HTTP'));
    expect(http).toMatchObject({ kind: 'not-kafka', clientId: null });
    const tls = await waitForProblem(events, (e) => e.message.includes('TLS'));
    expect(tls.hint).toMatch(/security\.protocol=PLAINTEXT/);
  });
});
