import { describe, expect, it, onTestFinished } from 'vitest';
import { CompressionTypes } from 'kafkajs';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { startTestBroker } from '../../helpers/broker.js';
import { kafka, waitFor } from './helpers.js';

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent headers on broker.append', () => {
  it('carries the traceparent of a kafkajs record, but never looks into compressed or large batches', async () => {
    const { bootstrap, events } = await startTestBroker();
    const producer = kafka(bootstrap, 'tracing').producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const appendOf = (topic: string) =>
      waitFor(`the append to ${topic}`, () => events.find((e): e is Extract<BrokerEvent, { type: 'broker.append' }> => e.type === 'broker.append' && e.topic === topic));

    await producer.send({ topic: 'orders', messages: [{ key: 'o1', value: '{"id":1}', headers: { traceparent: TRACE, 'x-other': 'y' } }] });
    expect((await appendOf('orders')).traceparents).toEqual([TRACE]);

    await producer.send({ topic: 'plain', messages: [{ value: 'no trace' }] });
    expect((await appendOf('plain')).traceparents).toBeUndefined();

    await producer.send({ topic: 'zipped', compression: CompressionTypes.GZIP, messages: [{ value: 'x', headers: { traceparent: TRACE } }] });
    expect((await appendOf('zipped')).traceparents).toBeUndefined();

    const many = Array.from({ length: 100 }, (_, i) => ({ value: `m${i}`, headers: { traceparent: TRACE } }));
    await producer.send({ topic: 'bulk', messages: many });
    const bulk = await appendOf('bulk');
    expect(bulk.count).toBe(100);
    expect(bulk.traceparents).toBeUndefined();
  });
});
