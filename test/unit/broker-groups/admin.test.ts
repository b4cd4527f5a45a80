import { describe, expect, it } from 'vitest';
import { decodeConsumerAssignment } from '../../../src/broker/groups/assignment.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { rig, stableGroupOfOne } from './fixtures.js';

/** Consumer protocol assignment bytes: version, [topic, partitions[]], user data. */
function assignmentBytes(topics: [string, number[]][], userData = Buffer.from('ud')): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 1]), int32(topics.length)];
  for (const [name, partitions] of topics) {
    const n = Buffer.from(name);
    parts.push(Buffer.from([n.length >> 8, n.length & 0xff]), n, int32(partitions.length), ...partitions.map(int32));
  }
  parts.push(int32(userData.length), userData);
  return Buffer.concat(parts);
}
function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

describe('decodeConsumerAssignment', () => {
  it('decodes topics and partitions', () => {
    expect(decodeConsumerAssignment(assignmentBytes([['orders', [0, 2]], ['users', [1]]]))).toEqual([
      { topic: 'orders', partitions: [0, 2] },
      { topic: 'users', partitions: [1] },
    ]);
  });
  it.each([
    ['empty', Buffer.alloc(0)],
    ['truncated', assignmentBytes([['orders', [0, 2]]]).subarray(0, 12)],
    ['not the consumer protocol', Buffer.from('hello, this is not it')],
  ])('gives [] for %s bytes', (_, bytes) => {
    expect(decodeConsumerAssignment(bytes)).toEqual([]);
  });
});

describe('ListGroups, DescribeGroups, DeleteGroups, snapshot', () => {
  it('describes a Stable group with metadata and assignments; unknown groups are Dead', async () => {
    const { coordinator } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    expect(coordinator.describeGroup('g')).toEqual({
      errorCode: 0,
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId, groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1', metadata: Buffer.from('sub'), assignment: Buffer.from('a1') }],
    });
    expect(coordinator.describeGroup('unknown')).toMatchObject({ errorCode: 0, state: 'Dead', members: [] });
  });

  it('lists groups with members and groups known only by offsets, filtered by state', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    await stableGroupOfOne(coordinator, 'live');
    coordinator.offsetCommit({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }] });
    const all = coordinator.listGroups();
    expect(all).toContainEqual({ groupId: 'live', protocolType: 'consumer', state: 'Stable' });
    expect(all).toContainEqual({ groupId: 'idle', protocolType: '', state: 'Empty' });
    expect(coordinator.listGroups(['stable']).map((g) => g.groupId)).toEqual(['live']);
  });

  it('deletes only Empty groups, with their offsets', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    const { memberId } = await stableGroupOfOne(coordinator);
    coordinator.offsetCommit({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, topics: [{ name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }] });
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(coordinator.deleteGroup('nope')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(coordinator.deleteGroup('')).toBe(ErrorCode.INVALID_GROUP_ID);
    coordinator.leaveGroup('g', [{ memberId, groupInstanceId: null }]);
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.NONE);
    expect(store.committedOffset('g', 't', 0)).toBeUndefined();
    expect(coordinator.listGroups().map((g) => g.groupId)).not.toContain('g');
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('snapshots groups with decoded assignments', async () => {
    const { coordinator } = await rig();
    const memberId = (await coordinator.joinGroup({
      groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], requireKnownMemberId: false, clientId: 'c', clientHost: '/127.0.0.1',
    })).memberId;
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId, assignment: assignmentBytes([['orders', [0, 1]]]) }] });
    expect(coordinator.snapshot()).toEqual([
      {
        groupId: 'g', state: 'Stable', generation: 1, protocolType: 'consumer', protocol: 'range', leader: memberId,
        members: [{ memberId, groupInstanceId: null, clientId: 'c', host: '/127.0.0.1', assignments: [{ topic: 'orders', partitions: [0, 1] }] }],
      },
    ]);
  });
});
