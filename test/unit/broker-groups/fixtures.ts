import { onTestFinished } from 'vitest';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import type { JoinGroupRequest, JoinGroupResult } from '../../../src/broker/groups/types.js';
import { EmbeddedLogStore } from '../../../src/broker/log/index.js';
import { ManualScheduler } from './manual-scheduler.js';

export interface Rig {
  coordinator: GroupCoordinator;
  scheduler: ManualScheduler;
  store: EmbeddedLogStore;
  events: BrokerEvent[];
}

/** A coordinator over a real in-memory store, with hand-driven time; stopped after the test. */
export async function rig(options: { initialRebalanceDelayMs?: number } = {}): Promise<Rig> {
  const scheduler = new ManualScheduler();
  const store = new EmbeddedLogStore({ dataDir: null });
  await store.open();
  const events: BrokerEvent[] = [];
  const coordinator = new GroupCoordinator({
    store,
    publish: (e) => events.push(e),
    now: () => scheduler.now,
    scheduler,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
  });
  onTestFinished(async () => {
    await coordinator.stop();
    await store.close();
  });
  return { coordinator, scheduler, store, events };
}

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
    requireKnownMemberId: true,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...overrides,
  };
}

/** The v4+ two-step: MEMBER_ID_REQUIRED, then the held join with the given id. */
export async function newMemberId(coordinator: GroupCoordinator, overrides: Partial<JoinGroupRequest> = {}): Promise<string> {
  const first = await coordinator.joinGroup(joinRequest(overrides));
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  return first.memberId;
}

/** Whether a promise has settled, without waiting for it. */
export async function settled<T>(promise: Promise<T>): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise, new Promise((r) => setImmediate(() => r(marker)))]);
  return winner !== marker;
}

/** Joins a group of one and syncs it: a Stable group with member `memberId`. */
export async function stableGroupOfOne(coordinator: GroupCoordinator, groupId = 'g'): Promise<JoinGroupResult> {
  const memberId = await newMemberId(coordinator, { groupId });
  const joined = await coordinator.joinGroup(joinRequest({ groupId, memberId }));
  const synced = await coordinator.syncGroup({
    groupId,
    generationId: joined.generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId, assignment: Buffer.from('a1') }],
  });
  if (synced.errorCode !== ErrorCode.NONE) throw new Error(`sync failed: ${synced.errorCode}`);
  return joined;
}
