import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { waitFor } from '../../helpers/processes.js';
import type { EmbeddedBroker } from '../../../src/broker/embedded.js';

const TOPIC = 'orders';

function kafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
}

/** A consumer with short timeouts (the broker accepts them), recording every value it sees. */
async function startConsumer(bootstrap: string, name: string, groupId: string, seen: string[]): Promise<Consumer> {
  const consumer = kafka(bootstrap, name).consumer({
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 8000,
    heartbeatInterval: 300,
    // a parked fetch holds the connection the heartbeats use too, so keep it short
    maxWaitTimeInMs: 100,
  });
  onTestFinished(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
  return consumer;
}

/** The members of a Stable group, each with the partitions of TOPIC it was given. */
function stableAssignment(broker: EmbeddedBroker, groupId: string): number[][] | undefined {
  const group = broker.groups.snapshot().find((g) => g.groupId === groupId);
  if (group?.state !== 'Stable') return undefined;
  return group.members.map((m) => m.assignments.find((a) => a.topic === TOPIC)?.partitions.slice().sort() ?? []);
}

async function waitForSplit(broker: EmbeddedBroker, groupId: string, members: number, events: unknown[] = []): Promise<number[][]> {
  let last: number[][] | undefined;
  await waitFor(
    () => {
      last = stableAssignment(broker, groupId);
      return last !== undefined && last.length === members && last.flat().length === 4;
    },
    `group ${groupId} Stable with ${members} members sharing 4 partitions`,
    30_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last seen ${JSON.stringify(last)} in ${JSON.stringify(broker.groups.snapshot())}; events ${JSON.stringify(events)}`);
  });
  return last!;
}

describe('kafkajs consumer groups against the embedded broker', () => {
  it('splits partitions between members, rebalances on leave and join, and loses no message', async () => {
    const { broker, bootstrap, events } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 4 }] });
    const producer = kafka(bootstrap, 'producer').producer();
    onTestFinished(() => producer.disconnect());
    await producer.connect();
    const sent: string[] = [];
    const send = async (from: number, count: number) => {
      const messages = Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` }));
      await producer.send({ topic: TOPIC, messages });
      sent.push(...messages.map((m) => m.value));
    };
    const seen: string[] = [];
    const allSeen = () => new Set(seen).size === sent.length && sent.every((v) => seen.includes(v));

    await send(0, 40);
    const a = await startConsumer(bootstrap, 'a', 'split', seen);
    const b = await startConsumer(bootstrap, 'b', 'split', seen);
    const split = await waitForSplit(broker, 'split', 2, events);
    expect(split.map((p) => p.length)).toEqual([2, 2]);
    await waitFor(allSeen, 'the first 40 messages', 30_000);

    await b.disconnect(); // LeaveGroup: a takes every partition
    expect(await waitForSplit(broker, 'split', 1, events)).toEqual([[0, 1, 2, 3]]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.group.member.left', group: 'split', reason: 'leave' }));
    await send(40, 40);
    await waitFor(allSeen, '80 messages after the leave', 30_000);

    await startConsumer(bootstrap, 'c', 'split', seen);
    await waitForSplit(broker, 'split', 2, events);
    await send(80, 40);
    await waitFor(allSeen, '120 messages after the join', 30_000).catch((e: Error) => {
      const missing = sent.filter((v) => !seen.includes(v));
      const offsets = [0, 1, 2, 3].map((p) => [p, broker.store.partition(TOPIC, p)?.highWatermark, broker.store.committedOffset('split', TOPIC, p)?.offset]);
      throw new Error(`${e.message}: missing ${missing.join(',')}; hw/committed ${JSON.stringify(offsets, (_, v) => (typeof v === 'bigint' ? String(v) : v))}; ${JSON.stringify(broker.groups.snapshot())}; ${JSON.stringify(events.filter((x) => x.type.startsWith('broker.group') || x.type === 'broker.client.error'))}`);
    });
    await a.disconnect();
    expect(events.filter((e) => e.type === 'broker.group.rebalanced' && e.group === 'split').length).toBeGreaterThanOrEqual(3);
  });

  it('a restarted consumer resumes after its last committed offset', async () => {
    const { broker, bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 1 }] });
    const producer = kafka(bootstrap, 'producer').producer();
    onTestFinished(() => producer.disconnect());
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 10 }, (_, i) => ({ value: `old${i}` })) });

    const first: string[] = [];
    const consumer = await startConsumer(bootstrap, 'first', 'resume', first);
    await waitFor(() => first.length === 10, 'the first 10 messages', 30_000);
    await consumer.disconnect(); // commits what it consumed
    expect(broker.store.committedOffset('resume', TOPIC, 0)?.offset).toBe(10n);

    await producer.send({ topic: TOPIC, messages: Array.from({ length: 5 }, (_, i) => ({ value: `new${i}` })) });
    const second: string[] = [];
    await startConsumer(bootstrap, 'second', 'resume', second);
    await waitFor(() => second.length >= 5, 'the 5 new messages', 30_000);
    expect(second).toEqual(['new0', 'new1', 'new2', 'new3', 'new4']);
  });

  it('admin: listGroups, describeGroups, fetchOffsets, resetOffsets, deleteGroups', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
    const client = kafka(bootstrap, 'admin');
    const admin = client.admin();
    onTestFinished(() => admin.disconnect());
    await admin.connect();
    const producer = client.producer();
    onTestFinished(() => producer.disconnect());
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ value: 'x', partition: 0 }, { value: 'y', partition: 0 }, { value: 'z', partition: 1 }] });

    const seen: string[] = [];
    const consumer = await startConsumer(bootstrap, 'member', 'admin-g', seen);
    await waitFor(() => seen.length === 3, 'three messages', 30_000);
    await waitFor(async () => (await admin.describeGroups(['admin-g'])).groups[0]?.state === 'Stable', 'a Stable group', 30_000);

    expect((await admin.listGroups()).groups).toContainEqual({ groupId: 'admin-g', protocolType: 'consumer' });
    const [described] = (await admin.describeGroups(['admin-g'])).groups;
    expect(described).toMatchObject({ groupId: 'admin-g', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described?.members).toHaveLength(1);
    expect(described?.members[0]).toMatchObject({ clientId: 'member', clientHost: '/127.0.0.1' });
    expect(described?.members[0]?.memberAssignment.length).toBeGreaterThan(0);

    await expect(admin.deleteGroups(['admin-g'])).rejects.toThrow();
    await consumer.disconnect();

    const offsets = await admin.fetchOffsets({ groupId: 'admin-g', topics: [TOPIC] });
    expect(offsets[0]?.partitions.sort((x, y) => x.partition - y.partition)).toEqual([
      { partition: 0, offset: '2', metadata: null },
      { partition: 1, offset: '1', metadata: null },
    ]);
    // kafkajs commits the "earliest" sentinel (-2) itself (through a group member, after
    // a client-side 5 s wait); Kafka stores offsets as given
    await admin.resetOffsets({ groupId: 'admin-g', topic: TOPIC, earliest: true });
    const reset = await admin.fetchOffsets({ groupId: 'admin-g', topics: [TOPIC] });
    expect(reset[0]?.partitions.map((p) => p.offset)).toEqual(['-2', '-2']);

    const [deleted] = await admin.deleteGroups(['admin-g']);
    expect(deleted).toMatchObject({ groupId: 'admin-g', errorCode: 0 });
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('admin-g');
    expect((await admin.fetchOffsets({ groupId: 'admin-g', topics: [TOPIC] }))[0]?.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);
  });
});
