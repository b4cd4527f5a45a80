import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createBroker, BrokerSetupError } from '../../../src/broker/index.js';
import type { EmbeddedModeBroker } from '../../../src/broker/modes/embedded-mode.js';
import type { KafkaConfig } from '../../../src/config/types.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { kcat, describeKcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { TestFaults } from '../broker-faults/test-faults.js';
import { kafkaConfig, waitFor } from '../broker-modes/helpers.js';
import { tcpProbe } from '../broker-faults/helpers.js';
import { WorkerBroker } from '../../../src/broker/worker/worker-broker.js';

const itKcat = itWith('kcat');

type Of<T extends DevmodeEvent['type']> = Extract<DevmodeEvent, { type: T }>;
const ofType = <T extends DevmodeEvent['type']>(events: DevmodeEvent[], type: T) => events.filter((e): e is Of<T> => e.type === type);

/** The embedded broker as system/ gets it (createBroker), in its worker thread, started. */
async function startBroker(overrides: Partial<KafkaConfig> = {}, deps: Partial<Parameters<typeof createBroker>[1]> = {}) {
  const events: DevmodeEvent[] = [];
  const broker = createBroker(kafkaConfig({ mode: 'embedded', ...overrides }), { publish: (e) => events.push(e), ...deps }) as EmbeddedModeBroker;
  onTestFinished(() => broker.stop());
  await broker.start();
  expect(broker.worker?.running).toBe(true);
  expect(broker.embedded).toBeUndefined(); // not on this thread
  return { broker, events, bootstrap: broker.bootstrap };
}

function kafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
}

describe('the embedded broker in a worker thread', () => {
  itKcat('serves kafkajs and kcat; events reach this thread in order; introspection sees topics, groups and records', async () => {
    const { broker, events, bootstrap } = await startBroker({ topics: [{ name: 'orders', partitions: 2 }] });
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const k = kafka(bootstrap, 'shop');
    const producer = k.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'orders', messages: [{ key: 'k', value: JSON.stringify({ n: i }) }] });

    const appends = await waitFor('20 append events', () => {
      const list = ofType(events, 'broker.append').filter((e) => e.topic === 'orders');
      return list.length === 20 ? list : undefined;
    });
    // one key: one partition, so the offsets count up in the order the events came
    expect(appends.map((e) => e.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(appends.every((e) => e.clientId === 'shop')).toBe(true);
    const types = events.map((e) => e.type);
    expect(types.indexOf('broker.topic.created')).toBeLessThan(types.indexOf('broker.started'));
    expect(types.indexOf('broker.started')).toBeLessThan(types.indexOf('broker.append'));

    const consumer = k.consumer({ groupId: 'shop-readers', maxWaitTimeInMs: 100 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor('the consumer to read 20', () => (seen.length === 20 ? true : undefined), 20_000);

    const read = await kcat(bootstrap, ['-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
    expect(read.exitCode, describeKcat(read)).toBe(0);
    expect(read.stdout.trim().split('\n').sort()).toEqual(seen.slice().sort());
    const produced = await kcat(bootstrap, ['-P', '-t', 'from-kcat'], 'a\nb\nc\n');
    expect(produced.exitCode, describeKcat(produced)).toBe(0);

    const topics = await broker.introspection.topics();
    expect(topics.map((t) => t.name)).toEqual(['from-kcat', 'orders']);
    expect(topics.find((t) => t.name === 'orders')!.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(20);
    const groups = await waitFor('a stable group', async () => {
      const list = await broker.introspection.groups();
      return list.find((g) => g.groupId === 'shop-readers' && g.state === 'Stable' && g.members.length === 1);
    });
    expect(groups.members[0]!.clientId).toBe('shop');
    const partition = appends[0]!.partition;
    const records = await broker.introspection.recentRecords('orders', partition, 3);
    expect(records.map((r) => r.offset)).toEqual([17, 18, 19]);
    expect(records[2]!.value).toContain('"n": 19');
    expect(await broker.introspection.recentRecords('from-kcat', 0, 10)).toMatchObject([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
  });

  it('applies broker faults set on this thread: down and up, produce errors', async () => {
    const faults = new TestFaults();
    const { events, bootstrap } = await startBroker({ topics: [{ name: 'bad', partitions: 1 }, { name: 'good', partitions: 1 }] }, { faults });
    expect(await tcpProbe(bootstrap)).toBe('connected');

    faults.setDown(true);
    await waitFor('broker.down', () => ofType(events, 'broker.down')[0]);
    expect(await tcpProbe(bootstrap)).toBe('ECONNREFUSED');
    faults.setDown(false);
    const up = await waitFor('broker.up', () => ofType(events, 'broker.up')[0]);
    expect(up.bootstrap).toBe(bootstrap);
    expect(await tcpProbe(bootstrap)).toBe('connected');

    faults.setProduceError('bad', 6); // NOT_LEADER_OR_FOLLOWER
    const producer = kafka(bootstrap, 'faulty').producer({ retry: { retries: 1, initialRetryTime: 50 } });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await expect(producer.send({ topic: 'bad', messages: [{ value: 'x' }] })).rejects.toThrow();
    await producer.send({ topic: 'good', messages: [{ value: 'y' }] });
    faults.setProduceError('bad', 0);
    await producer.send({ topic: 'bad', messages: [{ value: 'z' }] });
    const appends = await waitFor('two appends', () => {
      const list = ofType(events, 'broker.append');
      return list.length === 2 ? list : undefined;
    });
    expect(appends.map((e) => `${e.topic}@${e.baseOffset}`)).toEqual(['good@0', 'bad@0']);
  });

  it('a broker down before start comes up down, and up when cleared', async () => {
    const faults = new TestFaults();
    faults.setDown(true);
    const { bootstrap } = await startBroker({}, { faults });
    await waitFor('the broker to go down', async () => ((await tcpProbe(bootstrap)) === 'ECONNREFUSED' ? true : undefined));
    faults.setDown(false);
    await waitFor('the broker to come back', async () => ((await tcpProbe(bootstrap)) === 'connected' ? true : undefined));
  });

  it('attributes clients with the pidToInstance of this thread', async () => {
    const asked: number[] = [];
    const { events, bootstrap } = await startBroker(
      { topics: [{ name: 'orders', partitions: 1 }] },
      {
        pidToInstance: (pid) => {
          asked.push(pid);
          return pid === process.pid ? { service: 'user', instance: 1 } : undefined;
        },
      },
    );
    const producer = kafka(bootstrap, 'user-svc').producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }] });
    const attributed = await waitFor('the attribution event', () => ofType(events, 'broker.client.attributed').find((e) => e.service === 'user'));
    expect(attributed).toMatchObject({ pid: process.pid, service: 'user', instance: 1, clientId: 'user-svc' });
    expect(asked).toContain(process.pid);
    await producer.send({ topic: 'orders', messages: [{ value: 'b' }] });
    await waitFor('an attributed append', () => ofType(events, 'broker.append').find((e) => e.service === 'user' && e.instance === 1));
  });

  it('a busy fixed port is the same clear error as in process; stop leaves nothing listening', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const busy = createBroker(kafkaConfig({ mode: 'embedded', port }), { publish: () => {} });
    onTestFinished(() => busy.stop());
    const error = await busy.start().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerSetupError);
    expect(error).toMatchObject({
      code: 'E_PORT_IN_USE',
      message: `cannot start the embedded Kafka: kafka.port ${port} in devmode.yaml in use on 127.0.0.1; free it or set kafka.port to a free port`,
    });

    const { broker, events, bootstrap } = await startBroker();
    await broker.stop();
    await broker.stop(); // idempotent
    expect(ofType(events, 'broker.stopped')).toHaveLength(1);
    expect(broker.worker?.running).toBe(false);
    expect(await tcpProbe(bootstrap)).toBe('ECONNREFUSED');
    expect(await broker.introspection.topics()).toEqual([]);
  });

  it('probes past a busy port when asked to, and stop() during start() leaves nothing behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const probing = new WorkerBroker({ port, portProbes: 5 });
    onTestFinished(() => probing.stop());
    await probing.start();
    expect(probing.port).toBeGreaterThan(port);
    expect(probing.port).toBeLessThanOrEqual(port + 5);
    await probing.stop();
    expect(await tcpProbe(probing.bootstrap)).toBe('ECONNREFUSED');

    const events: DevmodeEvent[] = [];
    const broker = createBroker(kafkaConfig({ mode: 'embedded' }), { publish: (e) => events.push(e) });
    const starting = broker.start();
    const stopping = broker.stop();
    await expect(starting).rejects.toThrow(/stopped/);
    await stopping;
    expect(ofType(events, 'broker.started')).toHaveLength(0);
    expect((broker as EmbeddedModeBroker).worker?.running).toBe(false);
  });

  it('a crash of the worker is reported and leaves this process running', async () => {
    const { broker, events, bootstrap } = await startBroker();
    broker.worker!.crashForTesting();
    const notice = await waitFor('the crash notice', () => ofType(events, 'system.notice')[0]);
    expect(notice).toMatchObject({ level: 'error', source: 'broker' });
    expect(notice.message).toMatch(/^the embedded Kafka broker stopped: its worker thread crashed \(.*told to crash.*\)/);
    expect(broker.worker?.running).toBe(false);
    await waitFor('the port to close', async () => ((await tcpProbe(bootstrap)) === 'ECONNREFUSED' ? true : undefined));
    expect(await broker.introspection.topics()).toEqual([]);
    await broker.stop();
  });
});
