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
