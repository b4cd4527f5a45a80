import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import type { OffsetCommitRequest } from '../../../src/broker/groups/types.js';
import { joinRequest, newMemberId, rig, stableGroupOfOne } from './fixtures.js';

function commit(overrides: Partial<OffsetCommitRequest> = {}, offset = 5n): OffsetCommitRequest {
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 't', partitions: [{ partition: 0, offset, leaderEpoch: -1, metadata: 'meta' }] }],
    ...overrides,
  };
}
const errorOf = (r: { topics: { partitions: { errorCode: number }[] }[] }) => r.topics[0]?.partitions[0]?.errorCode;

describe('OffsetCommit / OffsetFetch', () => {
  it('round-trips offset, leader epoch and metadata; -1 when nothing is committed', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 2);
    const c = commit();
    c.topics[0]!.partitions[0]!.leaderEpoch = 3;
    expect(errorOf(coordinator.offsetCommit(c))).toBe(ErrorCode.NONE);
    expect(coordinator.offsetFetch('g', [{ name: 't', partitions: [0, 1] }])).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 5n, leaderEpoch: 3, metadata: 'meta', errorCode: 0 },
            { partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(coordinator.offsetFetch('g', null).topics).toEqual([
      { name: 't', partitions: [{ partition: 0, offset: 5n, leaderEpoch: 3, metadata: 'meta', errorCode: 0 }] },
    ]);
    expect(coordinator.offsetFetch('never-committed', null).topics).toEqual([]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition, and stores the rest', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    const result = coordinator.offsetCommit({
      ...commit(),
      topics: [
        { name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }, { partition: 9, offset: 1n, leaderEpoch: -1, metadata: null }] },
        { name: 'missing', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
      ],
    });
    expect(result.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([[0, 3], [3]]);
    expect(store.committedOffset('g', 't', 0)?.offset).toBe(1n);
  });

  it('refuses metadata over 4096 characters', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    const c = commit();
    c.topics[0]!.partitions[0]!.metadata = 'x'.repeat(4097);
    expect(errorOf(coordinator.offsetCommit(c))).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
  });

  it('validates commits against the group as Kafka does', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    // no group yet
    expect(errorOf(coordinator.offsetCommit(commit({ groupId: 'standalone' })))).toBe(ErrorCode.NONE);
    expect(errorOf(coordinator.offsetCommit(commit({ groupId: 'nogroup', generationId: 3, memberId: 'm' })))).toBe(ErrorCode.ILLEGAL_GENERATION);

    const { memberId } = await stableGroupOfOne(coordinator);
    const table: [string, Partial<OffsetCommitRequest>, number][] = [
      ['current member and generation', { memberId, generationId: 1 }, ErrorCode.NONE],
      ['wrong generation', { memberId, generationId: 2 }, ErrorCode.ILLEGAL_GENERATION],
      ['unknown member', { memberId: 'nobody', generationId: 1 }, ErrorCode.UNKNOWN_MEMBER_ID],
      ['admin commit while the group has members', { generationId: -1, memberId: '' }, ErrorCode.UNKNOWN_MEMBER_ID],
    ];
    for (const [what, overrides, code] of table) expect([what, errorOf(coordinator.offsetCommit(commit(overrides)))]).toEqual([what, code]);

    // CompletingRebalance: the member has the new generation but no assignment yet
    coordinator.joinGroup(joinRequest({ requireKnownMemberId: false }));
    await coordinator.joinGroup(joinRequest({ memberId }));
    expect(errorOf(coordinator.offsetCommit(commit({ memberId, generationId: 2 })))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('accepts an admin commit (generation -1) once the group is Empty again', async () => {
    const { coordinator, store } = await rig();
    store.createTopic('t', 1);
    const { memberId } = await stableGroupOfOne(coordinator);
    coordinator.leaveGroup('g', [{ memberId, groupInstanceId: null }]);
    expect(errorOf(coordinator.offsetCommit(commit({}, 42n)))).toBe(ErrorCode.NONE);
    expect(store.committedOffset('g', 't', 0)?.offset).toBe(42n);
  });

  it('a commit counts as a sign of life for the member', async () => {
    const { coordinator, store, scheduler } = await rig();
    store.createTopic('t', 1);
    const memberId = await newMemberId(coordinator);
    await coordinator.joinGroup(joinRequest({ memberId }));
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    scheduler.advance(8000);
    coordinator.offsetCommit(commit({ memberId, generationId: 1 }));
    scheduler.advance(8000);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
  });
});
