import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import type { SyncGroupRequest } from '../../../src/broker/groups/types.js';
import { joinRequest, newMemberId, rig, settled } from './fixtures.js';

function syncRequest(overrides: Partial<SyncGroupRequest>): SyncGroupRequest {
  return { groupId: 'g', generationId: 1, memberId: '', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...overrides };
}

describe('JoinGroup', () => {
  it('v4+: a new member gets MEMBER_ID_REQUIRED with an id built from its client id, then joins with it', async () => {
    const { coordinator } = await rig();
    const first = await coordinator.joinGroup(joinRequest({ clientId: 'app' }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(coordinator.describeGroup('g').state).toBe('Dead'); // nobody joined yet

    const joined = await coordinator.joinGroup(joinRequest({ memberId: first.memberId }));
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leader: first.memberId, memberId: first.memberId, protocolName: 'range', protocolType: 'consumer' });
    expect(joined.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
  });

  it('v0-3: a new member joins at once', async () => {
    const { coordinator } = await rig();
    const joined = await coordinator.joinGroup(joinRequest({ requireKnownMemberId: false }));
    expect(joined.errorCode).toBe(0);
    expect(joined.generationId).toBe(1);
    expect(joined.leader).toBe(joined.memberId);
  });

  it('holds joins until every member (and pending member) has rejoined, then answers all; only the leader gets members', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator, { clientId: 'a' });
    const b = await newMemberId(coordinator, { clientId: 'b', protocols: [{ name: 'range', metadata: Buffer.from('b-sub') }] });
    const joinA = coordinator.joinGroup(joinRequest({ memberId: a }));
    expect(await settled(joinA)).toBe(false); // b is still pending
    const joinB = coordinator.joinGroup(joinRequest({ memberId: b, protocols: [{ name: 'range', metadata: Buffer.from('b-sub') }] }));
    const [ra, rb] = await Promise.all([joinA, joinB]);
    expect(ra.leader).toBe(a);
    expect(rb.leader).toBe(a);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([
      [a, 'sub'],
      [b, 'b-sub'],
    ]);
    expect(rb.members).toEqual([]);
  });

  it.each([
    ['empty group id', { groupId: '' }, ErrorCode.INVALID_GROUP_ID],
    ['zero session timeout', { sessionTimeoutMs: 0 }, ErrorCode.INVALID_SESSION_TIMEOUT],
    ['a member id for a group that does not exist', { memberId: 'ghost' }, ErrorCode.UNKNOWN_MEMBER_ID],
  ])('rejects %s', async (_, overrides, code) => {
    const { coordinator } = await rig();
    expect((await coordinator.joinGroup(joinRequest(overrides))).errorCode).toBe(code);
  });

  it('accepts a short (below Kafka 6 s) session timeout', async () => {
    const { coordinator } = await rig();
    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 100 }))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  it('answers UNKNOWN_MEMBER_ID for an unknown id in an existing group', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    await coordinator.joinGroup(joinRequest({ memberId: a }));
    expect((await coordinator.joinGroup(joinRequest({ memberId: 'someone-else' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it.each([
    ['another protocol type', { protocolType: 'connect' }],
    ['no protocol in common', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }],
  ])('answers INCONSISTENT_GROUP_PROTOCOL for %s', async (_, overrides) => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    await coordinator.joinGroup(joinRequest({ memberId: a }));
    expect((await coordinator.joinGroup(joinRequest(overrides))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('picks the protocol most members prefer among those all support', async () => {
    const { coordinator } = await rig();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const ids = [];
    for (const protocols of [p('range', 'roundrobin'), p('roundrobin', 'range'), p('roundrobin', 'range', 'sticky')]) {
      ids.push({ id: await newMemberId(coordinator, { protocols }), protocols });
    }
    const results = await Promise.all(ids.map(({ id, protocols }) => coordinator.joinGroup(joinRequest({ memberId: id, protocols }))));
    expect(results.map((r) => r.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
    expect(results[0]?.members.map((m) => m.metadata.toString())).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('a follower rejoining a Stable group unchanged gets the current generation; the leader rejoining starts a rebalance', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    await Promise.all([
      coordinator.syncGroup(syncRequest({ memberId: b })),
      coordinator.syncGroup(syncRequest({ memberId: a, assignments: [] })),
    ]);
    expect(coordinator.describeGroup('g').state).toBe('Stable');

    const again = await coordinator.joinGroup(joinRequest({ memberId: b }));
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: a });
    expect(coordinator.describeGroup('g').state).toBe('Stable');

    const leaderRejoin = coordinator.joinGroup(joinRequest({ memberId: a }));
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const followerRejoin = coordinator.joinGroup(joinRequest({ memberId: b }));
    const [ra, rb] = await Promise.all([leaderRejoin, followerRejoin]);
    expect([ra.generationId, rb.generationId]).toEqual([2, 2]);
  });

  it('a member whose subscription changed starts a rebalance', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    await Promise.all([coordinator.syncGroup(syncRequest({ memberId: a })), coordinator.syncGroup(syncRequest({ memberId: b }))]);
    const changed = coordinator.joinGroup(joinRequest({ memberId: b, protocols: [{ name: 'range', metadata: Buffer.from('new-topics') }] }));
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    const leader = await coordinator.joinGroup(joinRequest({ memberId: a }));
    expect((await changed).generationId).toBe(2);
    expect(leader.members.find((m) => m.memberId === b)?.metadata.toString()).toBe('new-topics');
  });

  it('with an initial rebalance delay, members arriving during it share the first generation', async () => {
    const { coordinator, scheduler } = await rig({ initialRebalanceDelayMs: 3000 });
    const a = coordinator.joinGroup(joinRequest({ requireKnownMemberId: false, clientId: 'a' }));
    scheduler.advance(2000);
    expect(await settled(a)).toBe(false);
    const b = coordinator.joinGroup(joinRequest({ requireKnownMemberId: false, clientId: 'b' }));
    scheduler.advance(1000); // first delay over, but b arrived: extended
    expect(await settled(a)).toBe(false);
    scheduler.advance(3000);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.members).toHaveLength(2);
  });
});

describe('SyncGroup', () => {
  it('holds followers until the leader sends assignments, then gives each its own; the group is Stable', async () => {
    const { coordinator, events } = await rig();
    const a = await newMemberId(coordinator, { clientId: 'a' });
    const b = await newMemberId(coordinator, { clientId: 'b' });
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a, clientId: 'a' })), coordinator.joinGroup(joinRequest({ memberId: b, clientId: 'b' }))]);
    const follower = coordinator.syncGroup(syncRequest({ memberId: b }));
    expect(await settled(follower)).toBe(false);
    const leader = await coordinator.syncGroup(
      syncRequest({ memberId: a, assignments: [{ memberId: a, assignment: Buffer.from('for-a') }, { memberId: b, assignment: Buffer.from('for-b') }] }),
    );
    expect(leader.assignment.toString()).toBe('for-a');
    expect((await follower).assignment.toString()).toBe('for-b');
    expect(coordinator.describeGroup('g').state).toBe('Stable');
    // a late sync in a Stable group is answered at once
    expect((await coordinator.syncGroup(syncRequest({ memberId: b }))).assignment.toString()).toBe('for-b');
    expect(events.filter((e) => e.type === 'broker.group.rebalanced')).toEqual([
      {
        type: 'broker.group.rebalanced',
        group: 'g',
        generation: 1,
        members: [
          { memberId: a, clientId: 'a', host: '/127.0.0.1' },
          { memberId: b, clientId: 'b', host: '/127.0.0.1' },
        ],
        ts: 0,
      },
    ]);
  });

  it('gives a member the leader left out empty bytes', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    const follower = coordinator.syncGroup(syncRequest({ memberId: b }));
    await coordinator.syncGroup(syncRequest({ memberId: a, assignments: [{ memberId: a, assignment: Buffer.from('all') }] }));
    expect((await follower).assignment.length).toBe(0);
  });

  it.each([
    ['an unknown member', { memberId: 'nobody' }, ErrorCode.UNKNOWN_MEMBER_ID],
    ['a wrong generation', { generationId: 7 }, ErrorCode.ILLEGAL_GENERATION],
    ['another protocol name (v5)', { protocolName: 'roundrobin' }, ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    ['another protocol type (v5)', { protocolType: 'connect' }, ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    ['an unknown group', { groupId: 'other' }, ErrorCode.UNKNOWN_MEMBER_ID],
  ])('rejects %s', async (_, overrides, code) => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    await coordinator.joinGroup(joinRequest({ memberId: a }));
    expect((await coordinator.syncGroup(syncRequest({ memberId: a, ...overrides }))).errorCode).toBe(code);
  });

  it('a held sync learns REBALANCE_IN_PROGRESS when a new member joins before the leader synced', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    const follower = coordinator.syncGroup(syncRequest({ memberId: b }));
    const c = coordinator.joinGroup(joinRequest({ requireKnownMemberId: false }));
    expect((await follower).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await coordinator.syncGroup(syncRequest({ memberId: a }))).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    expect((await c).generationId).toBe(2);
  });
});

describe('held requests', () => {
  it('are released when the connection closes', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    await newMemberId(coordinator); // pending: a's join is held
    const abort = new AbortController();
    const held = coordinator.joinGroup(joinRequest({ memberId: a }), abort.signal);
    expect(await settled(held)).toBe(false);
    abort.abort();
    expect((await held).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('are released with COORDINATOR_NOT_AVAILABLE on stop, which clears every timer and is idempotent', async () => {
    const { coordinator, scheduler } = await rig();
    const a = await newMemberId(coordinator);
    await newMemberId(coordinator);
    const held = coordinator.joinGroup(joinRequest({ memberId: a }));
    expect(scheduler.pending).toBeGreaterThan(0);
    await coordinator.stop();
    await coordinator.stop();
    expect((await held).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(scheduler.pending).toBe(0);
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});
