import { describe, expect, it } from 'vitest';
import type { ConsumeOptions } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.js';
import { waitFor } from '../../helpers/processes.js';
import type { EmbeddedBroker } from '../../../src/broker/embedded.js';
import { admin, Collected, consumer, producer, type StringConsumer } from './clients.js';

const TOPIC = 'events';

/** The partitions of TOPIC each member of a Stable group holds, or undefined while rebalancing. */
function split(broker: EmbeddedBroker, groupId: string): number[][] | undefined {
  const group = broker.groups.snapshot().find((g) => g.groupId === groupId);
  if (group?.state !== 'Stable') return undefined;
  return group.members.map((m) => m.assignments.find((a) => a.topic === TOPIC)?.partitions.slice().sort() ?? []).sort();
}

/** Waits for a Stable group whose members hold `sizes` partitions each, covering all 4; returns the split. */
async function waitForSplit(broker: EmbeddedBroker, groupId: string, sizes: number[]): Promise<number[][]> {
  let last: number[][] | undefined;
  const fits = (s: number[][] | undefined): boolean =>
    s !== undefined && JSON.stringify(s.map((m) => m.length).sort()) === JSON.stringify(sizes) && new Set(s.flat()).size === 4;
  await waitFor(() => fits((last = split(broker, groupId))), `group ${groupId} Stable with members holding ${JSON.stringify(sizes)} partitions`, 20_000).catch(
    (e: Error) => {
      throw new Error(`${e.message}; last seen ${JSON.stringify(last)} in ${JSON.stringify(broker.groups.snapshot())}`);
    },
  );
  return last!;
}

describe('@platformatic/kafka consumer groups and admin against the embedded broker', () => {
  it('splits a 4-partition topic between two members and gives all to the one left (JoinGroup 9, SyncGroup 5, LeaveGroup 5)', async () => {
    const { broker, bootstrap, events } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 4 }] });
    const p = producer(bootstrap);
    const send = (from: number, n: number) =>
      p.send({ messages: Array.from({ length: n }, (_, i) => ({ topic: TOPIC, partition: (from + i) % 4, key: `k${from + i}`, value: `m${from + i}` })) });

    const a = consumer(bootstrap, 'split', 'a');
    const b = consumer(bootstrap, 'split', 'b');
    // 'committed' with an earliest fallback: what an application uses so that a partition
    // moving between members resumes where the last owner committed
    const options: ConsumeOptions<string, string, string, string> = { topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest', autocommit: 100 };
    const gotA = new Collected(await a.consume(options));
    const streamB = await b.consume(options);
    const gotB = new Collected(streamB);
    // the client's default assignor is round robin: [0, 2] and [1, 3]
    const halves = await waitForSplit(broker, 'split', [2, 2]);
    // Client behaviour: a fetch already in flight when the rebalance lands still carries the
    // old assignment (at-least-once, like Kafka). Wait until both members run on the new one.
    const owned = (c: StringConsumer) => c.assignments?.find((x) => x.topic === TOPIC)?.partitions.length ?? 0;
    await waitFor(() => owned(a) === 2 && owned(b) === 2, 'both members to apply the 2/2 assignment');
    await Promise.all([gotA.nextFetch(), gotB.nextFetch()]);
    await send(0, 8);
    await waitFor(() => gotA.messages.length + gotB.messages.length >= 8, '8 messages across both members', 20_000);
    // each member read only its own partitions, and nothing twice
    const partitionsOf = (c: Collected) => [...new Set(c.messages.map((m) => m.partition))].sort();
    expect([partitionsOf(gotA), partitionsOf(gotB)].sort()).toEqual(halves);
    expect([...gotA.values(), ...gotB.values()].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);

    await streamB.close();
    await b.close(); // LeaveGroup: a takes every partition
    expect(await waitForSplit(broker, 'split', [4])).toEqual([[0, 1, 2, 3]]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.group.member.left', group: 'split', reason: 'leave' }));
    await send(8, 4);
    await gotA.waitForValues(['m8', 'm9', 'm10', 'm11']);
    const late = gotA.messages.filter((m) => ['m8', 'm9', 'm10', 'm11'].includes(m.value));
    expect(new Set(late.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('lists and describes groups (ListGroups 4, DescribeGroups 5, DeleteGroups 2) and deletes an empty one', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
    const c = consumer(bootstrap, 'watchers', 'watcher-1');
    await c.consume({ topics: [TOPIC] });
    const a = admin(bootstrap);
    await waitFor(async () => (await a.describeGroups({ groups: ['watchers'] })).get('watchers')?.state === 'Stable', 'group watchers Stable', 20_000);

    const listed = await a.listGroups();
    expect(listed.get('watchers')).toMatchObject({ id: 'watchers', state: 'Stable', protocolType: 'consumer' });
    const group = (await a.describeGroups({ groups: ['watchers'] })).get('watchers')!;
    expect(group).toMatchObject({ id: 'watchers', state: 'Stable', protocolType: 'consumer' });
    expect(group.protocol).toBeTruthy();
    const members = [...group.members.values()];
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ clientId: 'watcher-1' });
    expect(members[0]?.metadata?.topics).toEqual([TOPIC]);
    expect([...(members[0]?.assignments?.values() ?? [])]).toEqual([{ topic: TOPIC, partitions: [0, 1] }]);

    await c.close(true);
    await waitFor(async () => (await a.describeGroups({ groups: ['watchers'] })).get('watchers')?.state === 'Empty', 'group watchers Empty', 20_000);
    await a.deleteGroups({ groups: ['watchers'] });
    expect((await a.listGroups()).has('watchers')).toBe(false);
  });

  it("reads and alters a group's committed offsets from the admin client (OffsetFetch 9 for several groups, OffsetCommit 9)", async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: TOPIC, partitions: 2 }] });
    const p = producer(bootstrap);
    await p.send({ messages: [0, 0, 0, 1].map((partition, i) => ({ topic: TOPIC, partition, key: 'k', value: `m${i}` })) });
    const c = consumer(bootstrap, 'tracked');
    const stream = await c.consume({ topics: [TOPIC], mode: 'earliest', autocommit: false });
    const got = new Collected(stream);
    await got.waitFor(4);
    for (const partition of [0, 1]) await got.messages.findLast((m) => m.partition === partition)!.commit();
    await stream.close();
    await c.close();

    const a = admin(bootstrap);
    const committed = (groups: Parameters<typeof a.listConsumerGroupOffsets>[0]['groups']) =>
      a.listConsumerGroupOffsets({ groups }).then((r) =>
        r.map((g) => [g.groupId, g.topics.flatMap((t) => t.partitions.map((x) => [t.name, x.partitionIndex, x.committedOffset]))]),
      );
    expect(await committed(['tracked', { groupId: 'never', topics: [{ name: TOPIC, partitionIndexes: [0] }] }])).toEqual([
      ['tracked', [[TOPIC, 0, 3n], [TOPIC, 1, 1n]]],
      ['never', [[TOPIC, 0, -1n]]],
    ]);
    // rewinding an Empty group (generation -1, no member) is allowed
    await a.alterConsumerGroupOffsets({ groupId: 'tracked', topics: [{ name: TOPIC, partitionOffsets: [{ partition: 0, offset: 1n }] }] });
    expect(await committed(['tracked'])).toEqual([['tracked', [[TOPIC, 0, 1n], [TOPIC, 1, 1n]]]]);

    const again = consumer(bootstrap, 'tracked', 'again');
    const rest = new Collected(await again.consume({ topics: [TOPIC], mode: 'committed', fallbackMode: 'fail' }));
    await rest.waitFor(2);
    expect(rest.values()).toEqual(['m1', 'm2']);
  });

  it('creates, lists and deletes topics (CreateTopics 7, Metadata 12, DeleteTopics 6)', async () => {
    const { broker, bootstrap } = await startTestBroker({ autoCreateTopics: false });
    const a = admin(bootstrap);
    const created = await a.createTopics({ topics: ['alpha', 'beta'], partitions: 3, replicas: 1 });
    expect(created.map((t) => [t.name, t.partitions, t.replicas])).toEqual([
      ['alpha', 3, 1],
      ['beta', 3, 1],
    ]);
    expect(created[0]?.id).toBe(uuidOf(broker.store.topic('alpha')!.id));
    expect((await a.listTopics()).sort()).toEqual(['alpha', 'beta']);
    const metadata = await a.metadata({ topics: ['alpha'] });
    expect(metadata.topics.get('alpha')?.partitionsCount).toBe(3);

    await expect(a.createTopics({ topics: ['alpha'], partitions: 1, replicas: 1 })).rejects.toThrow();
    await a.deleteTopics({ topics: ['alpha'] });
    expect(await a.listTopics()).toEqual(['beta']);
    expect(broker.store.topic('alpha')).toBeUndefined();
  });
});

function uuidOf(id: Buffer): string {
  const h = id.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
