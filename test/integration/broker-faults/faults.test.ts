import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { startTestBroker } from '../../helpers/broker.js';
import { kcat, describeKcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { TestFaults } from './test-faults.js';
import { kafka, tcpProbe, waitFor } from './helpers.js';

const itKcat = itWith('kcat');

const NOT_LEADER_OR_FOLLOWER = 6;

function eventOf<T extends BrokerEvent['type']>(events: BrokerEvent[], type: T, match: (e: Extract<BrokerEvent, { type: T }>) => boolean = () => true) {
  return () => events.find((e): e is Extract<BrokerEvent, { type: T }> => e.type === type && match(e as Extract<BrokerEvent, { type: T }>));
}

describe('broker faults in the embedded broker', () => {
  itKcat('broker down: connections closed and refused; back up with every acknowledged message kept', async () => {
    const faults = new TestFaults();
    const { broker, bootstrap, events } = await startTestBroker({ faults, topics: [{ name: 'orders', partitions: 1 }] });
    // kafkajs' own log shows its connection attempts during the outage
    const logs: string[] = [];
    const k = new Kafka({
      clientId: 'down-test',
      brokers: [bootstrap],
      retry: { retries: 40, initialRetryTime: 100, maxRetryTime: 300 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => void logs.push(`${entry.log.message} ${String(entry.log['error'] ?? '')}`),
    });
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    for (let i = 0; i < 20; i++) await producer.send({ topic: 'orders', messages: [{ value: `before-${i}` }] });
    expect(broker.connections().length).toBeGreaterThan(0);

    faults.setDown(true);
    const down = await waitFor('broker.down', eventOf(events, 'broker.down'));
    expect(down.connectionsClosed).toBeGreaterThan(0);
    expect(broker.down).toBe(true);
    expect(broker.connections()).toHaveLength(0);
    expect(await tcpProbe(bootstrap)).toBe('ECONNREFUSED');
    const refused = await kcat(bootstrap, ['-L', '-m', '2']);
    expect(refused.exitCode, describeKcat(refused)).not.toBe(0);
    expect(refused.stderr).toMatch(/Connection refused/);

    // a send during the outage: the producer retries until the broker is back
    const during = producer.send({ topic: 'orders', messages: [{ value: 'during' }] });
    await waitFor('kafkajs to meet a refused connection', () => logs.some((l) => /ECONNREFUSED|Connection error/i.test(l)));
    faults.setDown(false);
    const up = await waitFor('broker.up', eventOf(events, 'broker.up'));
    expect(up.bootstrap).toBe(bootstrap);
    expect(await tcpProbe(bootstrap)).toBe('connected');
    await during;
    await producer.send({ topic: 'orders', messages: [{ value: 'after' }] });

    const consumed = await kcat(bootstrap, ['-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    expect(consumed.exitCode, describeKcat(consumed)).toBe(0);
    const values = consumed.stdout.trim().split('\n');
    expect(values).toEqual([...Array.from({ length: 20 }, (_, i) => `before-${i}`), 'during', 'after']);
  });

  it('a broker down before start stays down until cleared, and stop() while down leaves nothing listening', async () => {
    const faults = new TestFaults();
    faults.setDown(true);
    const { broker, bootstrap } = await startTestBroker({ faults });
    await waitFor('the broker to go down', () => broker.down);
    expect(await tcpProbe(bootstrap)).toBe('ECONNREFUSED');
    faults.setDown(false);
    await waitFor('the broker to come back', () => !broker.down);
    expect(await tcpProbe(bootstrap)).toBe('connected');
    faults.setDown(true);
    await waitFor('the broker to go down again', () => broker.down);
    await broker.stop();
    expect(faults.listenerCount).toBe(0);
    faults.setDown(false); // no effect on a stopped broker
    expect(await tcpProbe(bootstrap)).toBe('ECONNREFUSED');
  });

  it('produce errors on one topic: its producers see the error, nothing is appended, other topics work', async () => {
    const faults = new TestFaults();
    const { broker, bootstrap } = await startTestBroker({ faults, topics: [{ name: 'bad', partitions: 2 }, { name: 'good', partitions: 1 }] });
    const producer = kafka(bootstrap, 'produce-errors', { retries: 1, initialRetryTime: 50 }).producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    faults.setProduceError('bad', NOT_LEADER_OR_FOLLOWER);
    const failure = await producer.send({ topic: 'bad', messages: [{ partition: 0, value: 'x' }, { partition: 1, value: 'y' }] }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).not.toBeNull();
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure)) + String(failure)).toMatch(/not the leader|NOT_LEADER/i);
    expect(broker.store.partition('bad', 0)!.highWatermark).toBe(0n);
    expect(broker.store.partition('bad', 1)!.highWatermark).toBe(0n);

    await producer.send({ topic: 'good', messages: [{ value: 'fine' }] });
    expect(broker.store.partition('good', 0)!.highWatermark).toBe(1n);

    faults.setProduceError('bad', 0);
    await producer.send({ topic: 'bad', messages: [{ partition: 1, value: 'z' }] });
    expect(broker.store.partition('bad', 1)!.highWatermark).toBe(1n);
  });

  it('delayed delivery: a consumer gets a record no sooner than the delay after its append, woken without waiting out max wait', async () => {
    const DELAY = 1500;
    const faults = new TestFaults();
    faults.setDelay('slow', DELAY);
    const { broker, bootstrap, events } = await startTestBroker({ faults, topics: [{ name: 'slow', partitions: 1 }] });
    const k = kafka(bootstrap, 'delay-test');
    const consumer = k.consumer({ groupId: 'g-slow', maxWaitTimeInMs: 10_000 });
    await consumer.connect();
    // the broker first: a disconnect would wait for the parked fetch's 10 s max wait
    onTestFinished(async () => {
      await broker.stop();
      await consumer.disconnect();
    });
    await consumer.subscribe({ topic: 'slow', fromBeginning: true });
    const received: { value: string; at: number }[] = [];
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({ eachMessage: async ({ message }) => void received.push({ value: String(message.value), at: Date.now() }) });
    await waitFor('the consumer to join', () => joined);

    const producer = k.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic: 'slow', messages: [{ value: 'late' }] });
    const append = await waitFor('the append', eventOf(events, 'broker.append', (e) => e.topic === 'slow'));
    const got = await waitFor('the delayed record', () => received[0]);
    expect(got.value).toBe('late');
    expect(got.at - append.ts).toBeGreaterThanOrEqual(DELAY);
    // woken when the record became deliverable, not at the fetch's 10 s max wait
    expect(got.at - append.ts).toBeLessThan(8000);
  });

  it('a paused consumer group gets no records (lag builds) while another group keeps consuming; it resumes when cleared', async () => {
    const faults = new TestFaults();
    const { broker, bootstrap, events } = await startTestBroker({ faults, topics: [{ name: 'events', partitions: 1 }] });
    const consume = async (clientId: string, groupId: string): Promise<string[]> => {
      const consumer = kafka(bootstrap, clientId).consumer({ groupId, maxWaitTimeInMs: 300 });
      await consumer.connect();
      onTestFinished(() => consumer.disconnect());
      await consumer.subscribe({ topic: 'events', fromBeginning: true });
      const values: string[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
      return values;
    };
    const paused = await consume('paused-client', 'g-paused');
    const free = await consume('free-client', 'g-free');
    const producer = kafka(bootstrap, 'pause-producer').producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const send = (values: string[]) => producer.send({ topic: 'events', messages: values.map((value) => ({ value })) });

    await send(['1', '2', '3']);
    await waitFor('both groups to consume the first records', () => paused.length === 3 && free.length === 3);
    const committed = (group: string) => broker.store.committedOffset(group, 'events', 0)?.offset;
    await waitFor('g-paused to commit 3', () => committed('g-paused') === 3n);

    faults.setPaused('g-paused', true);
    const pausedAt = Date.now();
    await send(['4', '5', '6']);
    await waitFor('g-free to consume the new records', () => free.length === 6);
    // two fetches by g-paused that saw the new high watermark, a second apart, returned nothing
    const sawLag = (e: Extract<BrokerEvent, { type: 'broker.fetch' }>) => e.group === 'g-paused' && e.highWatermark === 6 && e.ts > pausedAt;
    const fetches = () => events.filter((e): e is Extract<BrokerEvent, { type: 'broker.fetch' }> => e.type === 'broker.fetch' && sawLag(e));
    await waitFor('two fetches of the paused group after the pause', () => fetches().length >= 2);
    expect(fetches().every((e) => e.bytes === 0 && e.offset === 3)).toBe(true);
    expect(paused).toEqual(['1', '2', '3']);
    expect(committed('g-paused')).toBe(3n);

    faults.setPaused('g-paused', false);
    await waitFor('g-paused to resume', () => paused.length === 6);
    expect(paused).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});
