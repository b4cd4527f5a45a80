import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { joinRequest, newMemberId, rig, settled, stableGroupOfOne } from './fixtures.js';

const hb = (memberId: string, generationId = 1, groupId = 'g') => ({ groupId, generationId, memberId, groupInstanceId: null });

describe('Heartbeat', () => {
  it('answers by membership, generation and state', async () => {
    const { coordinator } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    const table: [string, ReturnType<typeof hb>, number][] = [
      ['current member, Stable', hb(memberId), ErrorCode.NONE],
      ['unknown member', hb('nobody'), ErrorCode.UNKNOWN_MEMBER_ID],
      ['wrong generation', hb(memberId, 0), ErrorCode.ILLEGAL_GENERATION],
      ['unknown group', hb(memberId, 1, 'other'), ErrorCode.UNKNOWN_MEMBER_ID],
      ['empty group id', hb(memberId, 1, ''), ErrorCode.INVALID_GROUP_ID],
    ];
    for (const [what, req, code] of table) expect([what, coordinator.heartbeat(req)]).toEqual([what, code]);
  });

  it('tells members to rejoin (REBALANCE_IN_PROGRESS) once another member joins', async () => {
    const { coordinator } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    const newcomer = coordinator.joinGroup(joinRequest({ requireKnownMemberId: false }));
    expect(coordinator.heartbeat(hb(memberId))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId }));
    expect(rejoined.generationId).toBe(2);
    expect((await newcomer).generationId).toBe(2);
    expect(coordinator.heartbeat(hb(memberId, 2))).toBe(ErrorCode.NONE); // CompletingRebalance
  });

  it('keeps a member alive past its session timeout', async () => {
    const { coordinator, scheduler } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    for (let i = 0; i < 5; i++) {
      scheduler.advance(6000);
      expect(coordinator.heartbeat(hb(memberId))).toBe(ErrorCode.NONE);
    }
  });
});

describe('session and rebalance timeouts', () => {
  it('a member that stops heartbeating is removed after its session timeout and the rest rebalance', async () => {
    const { coordinator, scheduler, events } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    const sb = coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await sb;
    scheduler.advance(9000);
    expect(coordinator.heartbeat(hb(a))).toBe(ErrorCode.NONE);
    scheduler.advance(2000); // b: 11 s without a heartbeat
    expect(events).toContainEqual({ type: 'broker.group.member.left', group: 'g', memberId: b, reason: 'session-timeout', ts: 10_000 });
    expect(coordinator.heartbeat(hb(a))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: a }));
    expect(rejoined.generationId).toBe(2);
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('the last member expiring leaves the group Empty with a new generation', async () => {
    const { coordinator, scheduler, events } = await rig();
    await stableGroupOfOne(coordinator);
    scheduler.advance(10_000);
    expect(coordinator.describeGroup('g')).toMatchObject({ state: 'Empty', members: [] });
    expect(events.at(-1)).toMatchObject({ type: 'broker.group.rebalanced', generation: 2, members: [] });
  });

  it('members that do not rejoin within the rebalance timeout are removed; the rest get the next generation', async () => {
    const { coordinator, scheduler, events } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    // b keeps heartbeating but never rejoins
    const rejoinA = coordinator.joinGroup(joinRequest({ memberId: a, protocols: [{ name: 'range', metadata: Buffer.from('changed') }] }));
    for (let i = 0; i < 9; i++) {
      scheduler.advance(3000); // 27 s in all, inside the 30 s rebalance timeout
      expect(coordinator.heartbeat(hb(b))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(await settled(rejoinA)).toBe(false);
    scheduler.advance(3000);
    const result = await rejoinA;
    expect(result.generationId).toBe(2);
    expect(result.members.map((m) => m.memberId)).toEqual([a]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'broker.group.member.left', memberId: b, reason: 'rebalance-timeout' }));
  });

  it('a pending member that never rejoins stops blocking the round after its session timeout', async () => {
    const { coordinator, scheduler } = await rig();
    const a = await newMemberId(coordinator);
    await newMemberId(coordinator); // never comes back
    const held = coordinator.joinGroup(joinRequest({ memberId: a }));
    scheduler.advance(9999);
    expect(await settled(held)).toBe(false);
    scheduler.advance(1);
    expect((await held).members).toHaveLength(1);
  });

  it('a member whose held join was released by a closed connection expires on its session timeout', async () => {
    const { coordinator, scheduler, events } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    const abort = new AbortController();
    coordinator.joinGroup(joinRequest({ requireKnownMemberId: false }));
    void coordinator.joinGroup(joinRequest({ memberId }), abort.signal);
    abort.abort();
    scheduler.advance(10_000);
    expect(events.some((e) => e.type === 'broker.group.member.left' && e.memberId === memberId)).toBe(true);
  });
});

describe('LeaveGroup', () => {
  it('removes the member, publishes it, and the leader role passes to the next member', async () => {
    const { coordinator, events } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    expect(coordinator.leaveGroup('g', [{ memberId: a, groupInstanceId: null }])).toEqual({
      errorCode: 0,
      members: [{ memberId: a, groupInstanceId: null, errorCode: 0 }],
    });
    expect(events).toContainEqual({ type: 'broker.group.member.left', group: 'g', memberId: a, reason: 'leave', ts: 0 });
    const rejoin = await coordinator.joinGroup(joinRequest({ memberId: b }));
    expect(rejoin).toMatchObject({ generationId: 2, leader: b });
    expect(rejoin.members.map((m) => m.memberId)).toEqual([b]);
  });

  it('answers per member in a batch (v3+), and UNKNOWN_MEMBER_ID for strangers', async () => {
    const { coordinator } = await rig();
    const { memberId } = await stableGroupOfOne(coordinator);
    const result = coordinator.leaveGroup('g', [
      { memberId, groupInstanceId: null },
      { memberId: 'nobody', groupInstanceId: null },
    ]);
    expect(result.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.describeGroup('g').state).toBe('Empty');
    expect(coordinator.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.leaveGroup('', []).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('a leaving member releases a round waiting for it', async () => {
    const { coordinator } = await rig();
    const a = await newMemberId(coordinator);
    const b = await newMemberId(coordinator);
    await Promise.all([coordinator.joinGroup(joinRequest({ memberId: a })), coordinator.joinGroup(joinRequest({ memberId: b }))]);
    const rejoinA = coordinator.joinGroup(joinRequest({ memberId: a, protocols: [{ name: 'range', metadata: Buffer.from('x') }] }));
    expect(await settled(rejoinA)).toBe(false);
    coordinator.leaveGroup('g', [{ memberId: b, groupInstanceId: null }]);
    expect((await rejoinA).generationId).toBe(2);
  });
});
