import type { BrokerEvent } from '../../core/events/index.js';
import type { LogStore } from '../log/contract.js';
import { decodeConsumerAssignment } from './assignment.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Group } from './group.js';
import { commitOffsets, fetchOffsets } from './offsets.js';
import { realScheduler, type Scheduler } from './scheduler.js';
import type {
  DescribedGroup,
  GroupSnapshot,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupResult,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResult,
  OffsetFetchResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './types.js';

export interface GroupCoordinatorOptions {
  /** committed offsets live here, so they persist with the data directory */
  store: LogStore;
  publish: (event: BrokerEvent) => void;
  now?: () => number;
  /** Kafka's group.initial.rebalance.delay.ms; default 0 (Kafka's is 3000) so dev groups form at once */
  initialRebalanceDelayMs?: number;
  /** timers; tests pass a manual one */
  scheduler?: Scheduler;
}

function joinFailure(errorCode: number, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

/**
 * The embedded broker's group coordinator for every consumer group (classic protocol):
 * membership and rebalances (through `Group`), committed offsets (through the LogStore),
 * and the admin views. Handlers in broker/apis decode a request, call one method here, and
 * encode the result; held JoinGroup/SyncGroup calls resolve when the group moves on, when
 * `signal` aborts (the client's connection closed) or when the coordinator stops.
 */
export class GroupCoordinator {
  readonly #store: LogStore;
  readonly #publish: (event: BrokerEvent) => void;
  readonly #now: () => number;
  readonly #initialRebalanceDelayMs: number;
  readonly #scheduler: Scheduler;
  readonly #groups = new Map<string, Group>();
  #stopped = false;

  constructor(options: GroupCoordinatorOptions) {
    const delay = options.initialRebalanceDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new TypeError(`initialRebalanceDelayMs must be a non-negative number, got ${String(delay)}`);
    }
    this.#store = options.store;
    this.#publish = options.publish;
    this.#now = options.now ?? Date.now;
    this.#initialRebalanceDelayMs = delay;
    this.#scheduler = options.scheduler ?? realScheduler;
  }

  /** Nothing to open: groups live in memory and offsets in the store the broker opened. */
  async start(): Promise<void> {}

  /** Releases every held request with COORDINATOR_NOT_AVAILABLE and clears every timer. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const group of this.#groups.values()) group.shutdown();
    this.#groups.clear();
  }

  // --- membership ---

  joinGroup(req: JoinGroupRequest, signal?: AbortSignal): Promise<JoinGroupResult> {
    if (this.#stopped) return Promise.resolve(joinFailure(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (req.groupId === '') return Promise.resolve(joinFailure(ErrorCode.INVALID_GROUP_ID, req.memberId));
    // Kafka's lower bound is 6 s; any positive value is accepted here so tests can be quick.
    if (!(req.sessionTimeoutMs > 0)) return Promise.resolve(joinFailure(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    let group = this.#groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return Promise.resolve(joinFailure(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      group = this.#newGroup(req.groupId);
    }
    return group.join(req, signal);
  }

  syncGroup(req: SyncGroupRequest, signal?: AbortSignal): Promise<SyncGroupResult> {
    const fail = (errorCode: number): Promise<SyncGroupResult> =>
      Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    if (this.#stopped) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const group = this.#groups.get(req.groupId);
    return group ? group.sync(req, signal) : fail(ErrorCode.UNKNOWN_MEMBER_ID);
  }

  heartbeat(req: HeartbeatRequest): number {
    if (this.#stopped) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    return this.#groups.get(req.groupId)?.heartbeat(req) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  }

  leaveGroup(groupId: string, members: readonly { memberId: string; groupInstanceId: string | null }[]): LeaveGroupResult {
    if (this.#stopped) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.#groups.get(groupId);
    if (!group) {
      return { errorCode: ErrorCode.NONE, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    }
    return group.leave(members);
  }

  // --- offsets ---

  offsetCommit(req: OffsetCommitRequest): OffsetCommitResult {
    const group = this.#groups.get(req.groupId);
    let errorCode: number = ErrorCode.NONE;
    if (this.#stopped) errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // No such group: only a standalone/admin commit (generation < 0) may create its offsets.
    else if (!group) errorCode = req.generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    else errorCode = group.validateOffsetCommit(req.memberId, req.groupInstanceId, req.generationId);
    // kept with the offsets, so a restarted broker lists the idle group with its type
    if (errorCode === ErrorCode.NONE && group?.protocolType) this.#store.setGroupProtocolType(req.groupId, group.protocolType);
    return commitOffsets(this.#store, req, errorCode, this.#now());
  }

  /**
   * OffsetDelete: forgets committed offsets of partitions the group is not consuming.
   * GROUP_ID_NOT_FOUND for an unknown group; GROUP_SUBSCRIBED_TO_TOPIC for a topic a live
   * member subscribes to (as Kafka); a partition without an offset is fine.
   */
  offsetDelete(groupId: string, topics: readonly { name: string; partitions: readonly number[] }[]): OffsetDeleteResult {
    const fail = (errorCode: number): OffsetDeleteResult => ({ errorCode, topics: [] });
    if (this.#stopped) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const group = this.#groups.get(groupId);
    const known = (group !== undefined && this.#visible(group)) || this.#store.committedOffsets(groupId).size > 0;
    if (!known) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    const subscribed = new Set<string>();
    if (group && group.state !== 'Empty') {
      for (const m of group.members) for (const t of subscribedTopics(m.metadataFor(group.protocolName))) subscribed.add(t);
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => {
          if (subscribed.has(t.name)) return { partition, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          this.#store.deleteCommittedOffset(groupId, t.name, partition);
          return { partition, errorCode: ErrorCode.NONE };
        }),
      })),
    };
  }

  /** `topics` null means every partition the group has committed (v2+). */
  offsetFetch(groupId: string, topics: readonly { name: string; partitions: readonly number[] }[] | null): OffsetFetchResult {
    if (this.#stopped) return fetchOffsets(this.#store, groupId, topics, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return fetchOffsets(this.#store, groupId, topics, ErrorCode.NONE);
  }

  // --- admin ---

  listGroups(statesFilter: readonly string[] = []): ListedGroup[] {
    if (this.#stopped) return [];
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    const listed: ListedGroup[] = [];
    for (const group of this.#groups.values()) {
      if (!this.#visible(group)) continue;
      listed.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', state: group.state });
    }
    for (const groupId of this.#store.groupsWithOffsets()) {
      if (!this.#groups.has(groupId)) listed.push({ groupId, protocolType: this.#store.groupProtocolType(groupId) ?? '', state: 'Empty' });
    }
    return wanted.size === 0 ? listed : listed.filter((g) => wanted.has(g.state.toLowerCase()));
  }

  describeGroup(groupId: string): DescribedGroup {
    const group = this.#groups.get(groupId);
    if (this.#stopped) return describedEmpty(groupId, 'Dead', ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group || !this.#visible(group)) {
      // As Kafka before DescribeGroups v6: an unknown group is reported Dead, without error.
      const hasOffsets = this.#store.committedOffsets(groupId).size > 0;
      const described = describedEmpty(groupId, hasOffsets ? 'Empty' : 'Dead', ErrorCode.NONE);
      return hasOffsets ? { ...described, protocolType: this.#store.groupProtocolType(groupId) ?? '' } : described;
    }
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: group.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** Deletes an Empty group and its committed offsets; NON_EMPTY_GROUP while it has members. */
  deleteGroup(groupId: string): number {
    if (this.#stopped) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.#groups.get(groupId);
    const hasOffsets = this.#store.committedOffsets(groupId).size > 0;
    if (group && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    if (!hasOffsets && (!group || !this.#visible(group))) return ErrorCode.GROUP_ID_NOT_FOUND;
    group?.shutdown(ErrorCode.UNKNOWN_MEMBER_ID);
    this.#groups.delete(groupId);
    this.#store.deleteGroupOffsets(groupId);
    return ErrorCode.NONE;
  }

  /** Every group with members or offsets, for the introspection layer. */
  snapshot(): GroupSnapshot[] {
    const snapshots: GroupSnapshot[] = [];
    for (const group of this.#groups.values()) {
      if (!this.#visible(group)) continue;
      snapshots.push({
        groupId: group.groupId,
        state: group.state,
        generation: group.generationId,
        protocolType: group.protocolType,
        protocol: group.protocolName,
        leader: group.leaderId,
        members: group.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          host: m.clientHost,
          assignments: group.protocolType === 'consumer' ? decodeConsumerAssignment(m.assignment) : [],
        })),
      });
    }
    for (const groupId of this.#store.groupsWithOffsets()) {
      if (this.#groups.has(groupId)) continue;
      snapshots.push({ groupId, state: 'Empty', generation: 0, protocolType: null, protocol: null, leader: null, members: [] });
    }
    return snapshots;
  }

  #newGroup(groupId: string): Group {
    const group = new Group(groupId, {
      scheduler: this.#scheduler,
      publish: this.#publish,
      now: this.#now,
      initialRebalanceDelayMs: this.#initialRebalanceDelayMs,
    });
    this.#groups.set(groupId, group);
    return group;
  }

  /**
   * A group shows in listings once it ever had a member; one created by a JoinGroup that
   * only got MEMBER_ID_REQUIRED (or an error) is an implementation detail until then.
   */
  #visible(group: Group): boolean {
    return group.state !== 'Dead' && (group.state !== 'Empty' || group.protocolType !== null || group.generationId > 0);
  }
}

function describedEmpty(groupId: string, state: 'Empty' | 'Dead', errorCode: number): DescribedGroup {
  return { errorCode, groupId, state, protocolType: '', protocolData: '', members: [] };
}

/** Result of OffsetDelete: a group-level error, or one per partition. */
export interface OffsetDeleteResult {
  errorCode: number;
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}

/** The topics of a consumer-protocol subscription (version, topics, ...); none when it does not parse. */
function subscribedTopics(metadata: Buffer): string[] {
  try {
    let at = 2; // version
    const count = metadata.readInt32BE(at);
    at += 4;
    const topics: string[] = [];
    for (let i = 0; i < count && i < 10_000; i++) {
      const len = metadata.readInt16BE(at);
      at += 2;
      topics.push(metadata.toString('utf8', at, at + len));
      at += len;
    }
    return topics;
  } catch {
    return [];
  }
}
