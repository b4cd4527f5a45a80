import { randomUUID } from 'node:crypto';
import type { BrokerEvent } from '../../core/events/index.js';
import { unreachable } from '../../util/unreachable.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { heldResponse } from './hold.js';
import { Member } from './member.js';
import { selectProtocol, supportsProtocols } from './protocol-selection.js';
import { TimerSlot, type Scheduler } from './scheduler.js';
import type {
  GroupStateName,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './types.js';

/** What a group needs from its coordinator. */
export interface GroupDeps {
  scheduler: Scheduler;
  publish: (event: BrokerEvent) => void;
  now: () => number;
  /** Kafka's group.initial.rebalance.delay.ms; 0 (the default here) completes the first join at once */
  initialRebalanceDelayMs: number;
}

/**
 * The state of a classic group. PreparingRebalance carries the initial-delay budget when
 * the round started from Empty with a non-zero `initialRebalanceDelayMs`.
 */
export type GroupState =
  | { id: 'Empty' }
  | { id: 'PreparingRebalance'; initialDelay: { remainingMs: number } | null }
  | { id: 'CompletingRebalance' }
  | { id: 'Stable' }
  | { id: 'Dead' };

export type MemberLeftReason = 'leave' | 'session-timeout' | 'rebalance-timeout';

/** A JoinGroup answer with no group information (errors, MEMBER_ID_REQUIRED). */
function joinError(errorCode: number, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/**
 * One consumer group under the classic protocol, as an explicit state machine:
 *
 * ```
 *                 member joins                 every member rejoined,
 *   Empty ─────────────────────────► Preparing ──── or rebalance timeout ────► Completing
 *     ▲                              Rebalance ◄───────── join / leave /         Rebalance
 *     │   round ends with no members    │  ▲            expiry / metadata           │
 *     └─────────────────────────────────┘  │            change                      │ leader's
 *                                          │                                        │ SyncGroup
 *                                          └────────── join / leave / expiry ──── Stable ◄┘
 *                                                      leader rejoins
 *   Dead: the group was deleted or the coordinator stopped; terminal, every call answers
 *   COORDINATOR_NOT_AVAILABLE (the client then looks the coordinator up again).
 * ```
 *
 * The generation increases each time a join round completes. JoinGroup responses are held
 * until the round completes; SyncGroup responses until the leader's assignment arrives.
 */
export class Group {
  readonly groupId: string;
  readonly #deps: GroupDeps;
  #state: GroupState = { id: 'Empty' };
  #generationId = 0;
  #protocolType: string | null = null;
  #protocolName: string | null = null;
  #leaderId: string | null = null;
  /** insertion order = join order, so the first remaining member becomes leader */
  readonly #members = new Map<string, Member>();
  /** v4+ members told MEMBER_ID_REQUIRED that have not rejoined yet, with their expiry */
  readonly #pending = new Map<string, TimerSlot>();
  readonly #rebalanceTimer: TimerSlot;
  /** set when a member joins during an initial delay, which extends the delay */
  #newMemberAdded = false;

  constructor(groupId: string, deps: GroupDeps) {
    this.groupId = groupId;
    this.#deps = deps;
    this.#rebalanceTimer = new TimerSlot(deps.scheduler);
  }

  get state(): GroupStateName {
    return this.#state.id;
  }
  get generationId(): number {
    return this.#generationId;
  }
  get protocolType(): string | null {
    return this.#protocolType;
  }
  get protocolName(): string | null {
    return this.#protocolName;
  }
  get leaderId(): string | null {
    return this.#leaderId;
  }
  get members(): readonly Member[] {
    return [...this.#members.values()];
  }
  get pendingCount(): number {
    return this.#pending.size;
  }

  // --- JoinGroup ---

  /** Handles a JoinGroup whose group id and session timeout were already validated. */
  join(req: JoinGroupRequest, signal?: AbortSignal): Promise<JoinGroupResult> {
    const state = this.#state;
    if (state.id === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    const names = req.protocols.map((p) => p.name);
    const others = this.members.filter((m) => m.memberId !== req.memberId);
    // A member replacing its own protocols is checked against the others only.
    const groupType = others.length > 0 ? this.#protocolType : null;
    if (!supportsProtocols(others, groupType, req.protocolType, names)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }

    if (req.memberId === '') {
      const memberId = `${req.clientId}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        this.#addPending(memberId, req.sessionTimeoutMs);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.#addMemberAndRebalance(req, memberId, signal);
    }
    const pending = this.#pending.get(req.memberId);
    if (pending) {
      pending.clear();
      this.#pending.delete(req.memberId);
      return this.#addMemberAndRebalance(req, req.memberId, signal);
    }
    const member = this.#members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));

    switch (state.id) {
      case 'Empty':
        // Empty groups have no members; kept for exhaustiveness.
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(member, req, signal);
      case 'CompletingRebalance':
        // A retried JoinGroup for the round just completed gets the same answer again.
        if (member.sameProtocols(req.protocols)) return Promise.resolve(this.#joinResultFor(member));
        return this.#updateMemberAndRebalance(member, req, signal);
      case 'Stable':
        // The leader may rejoin to force a rebalance (e.g. new partitions); others only
        // cause one when their subscription changed.
        if (member.memberId === this.#leaderId || !member.sameProtocols(req.protocols)) {
          return this.#updateMemberAndRebalance(member, req, signal);
        }
        this.#armSession(member);
        return Promise.resolve(this.#joinResultFor(member));
      default:
        return unreachable(state, 'group state');
    }
  }

  #addPending(memberId: string, sessionTimeoutMs: number): void {
    const timer = new TimerSlot(this.#deps.scheduler);
    this.#pending.set(memberId, timer);
    timer.arm(sessionTimeoutMs, () => {
      this.#pending.delete(memberId);
      if (this.#state.id === 'PreparingRebalance') this.#tryCompleteJoin();
    });
  }

  #addMemberAndRebalance(req: JoinGroupRequest, memberId: string, signal?: AbortSignal): Promise<JoinGroupResult> {
    const member = new Member({
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      scheduler: this.#deps.scheduler,
    });
    if (this.#members.size === 0) this.#protocolType = req.protocolType;
    this.#members.set(memberId, member);
    this.#leaderId ??= memberId;
    this.#newMemberAdded = true;
    const held = this.#holdJoin(member, signal);
    this.#armSession(member);
    this.#maybePrepareRebalance();
    return held;
  }

  #updateMemberAndRebalance(member: Member, req: JoinGroupRequest, signal?: AbortSignal): Promise<JoinGroupResult> {
    member.protocols = req.protocols;
    member.protocolType = req.protocolType;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    const held = this.#holdJoin(member, signal);
    this.#armSession(member);
    this.#maybePrepareRebalance();
    return held;
  }

  #holdJoin(member: Member, signal?: AbortSignal): Promise<JoinGroupResult> {
    // A second JoinGroup from the same member (retried on a new connection) replaces the first.
    member.awaitingJoin?.resolve(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    const held = heldResponse(signal, () => joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.awaitingJoin = held;
    return held.promise;
  }

  #joinResultFor(member: Member): JoinGroupResult {
    const isLeader = member.memberId === this.#leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.#generationId,
      protocolType: this.#protocolType,
      protocolName: this.#protocolName,
      leader: this.#leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? this.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadataFor(this.#protocolName),
          }))
        : [],
    };
  }

  // --- rebalance rounds ---

  #maybePrepareRebalance(): void {
    const state = this.#state;
    switch (state.id) {
      case 'Empty':
      case 'CompletingRebalance':
      case 'Stable':
        this.#prepareRebalance();
        return;
      case 'PreparingRebalance':
        this.#tryCompleteJoin();
        return;
      case 'Dead':
        return;
      default:
        unreachable(state, 'group state');
    }
  }

  #prepareRebalance(): void {
    const from = this.#state;
    switch (from.id) {
      case 'CompletingRebalance':
        // Assignments of the abandoned generation are void; held syncs learn to rejoin.
        for (const member of this.#members.values()) {
          member.assignment = Buffer.alloc(0);
          member.awaitingSync?.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = null;
        }
        break;
      case 'Empty':
      case 'Stable':
        break;
      case 'PreparingRebalance':
      case 'Dead':
        return;
      default:
        unreachable(from, 'group state');
    }
    const rebalanceTimeoutMs = Math.max(0, ...this.members.map((m) => m.rebalanceTimeoutMs));
    const delay = this.#deps.initialRebalanceDelayMs;
    if (from.id === 'Empty' && delay > 0) {
      // Kafka's initial delay: wait so that members starting together share one round,
      // extending while new members keep arriving, within the rebalance timeout.
      const initialDelay = { remainingMs: Math.max(rebalanceTimeoutMs - delay, 0) };
      this.#state = { id: 'PreparingRebalance', initialDelay };
      this.#newMemberAdded = false;
      this.#rebalanceTimer.arm(Math.min(delay, rebalanceTimeoutMs), () => this.#onInitialDelay(initialDelay));
      return;
    }
    this.#state = { id: 'PreparingRebalance', initialDelay: null };
    this.#rebalanceTimer.arm(rebalanceTimeoutMs, () => this.#completeJoin());
    this.#tryCompleteJoin();
  }

  #onInitialDelay(initialDelay: { remainingMs: number }): void {
    if (this.#newMemberAdded && initialDelay.remainingMs > 0) {
      this.#newMemberAdded = false;
      const next = Math.min(this.#deps.initialRebalanceDelayMs, initialDelay.remainingMs);
      initialDelay.remainingMs -= next;
      this.#rebalanceTimer.arm(next, () => this.#onInitialDelay(initialDelay));
      return;
    }
    this.#completeJoin();
  }

  /** Completes the round early once every member (and every pending member) has rejoined. */
  #tryCompleteJoin(): void {
    const state = this.#state;
    if (state.id !== 'PreparingRebalance' || state.initialDelay) return;
    if (this.#pending.size > 0) return;
    for (const member of this.#members.values()) if (!member.awaitingJoin) return;
    this.#completeJoin();
  }

  /** Ends the join round: drops members that did not rejoin, starts the next generation. */
  #completeJoin(): void {
    if (this.#state.id !== 'PreparingRebalance') return;
    this.#rebalanceTimer.clear();
    for (const member of this.members) {
      if (!member.awaitingJoin) this.#removeMember(member, 'rebalance-timeout', false);
    }
    this.#generationId += 1;
    if (this.#members.size === 0) {
      this.#protocolName = null;
      this.#leaderId = null;
      this.#state = { id: 'Empty' };
      this.#publishRebalanced();
      return;
    }
    this.#protocolName = selectProtocol(this.members);
    this.#state = { id: 'CompletingRebalance' };
    for (const member of this.#members.values()) {
      member.awaitingJoin?.resolve(this.#joinResultFor(member));
      member.awaitingJoin = null;
      this.#armSession(member);
    }
  }

  // --- SyncGroup ---

  sync(req: SyncGroupRequest, signal?: AbortSignal): Promise<SyncGroupResult> {
    const state = this.#state;
    if (state.id === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const member = this.#members.get(req.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (req.generationId !== this.#generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (req.protocolType !== null && req.protocolType !== this.#protocolType) ||
      (req.protocolName !== null && req.protocolName !== this.#protocolName)
    ) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (state.id) {
      case 'Empty':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        member.awaitingSync?.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        const held = heldResponse(signal, () => syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = held;
        this.#armSession(member);
        if (member.memberId === this.#leaderId) this.#applyAssignments(req.assignments);
        return held.promise;
      }
      case 'Stable':
        this.#armSession(member);
        return Promise.resolve(this.#syncResult(member));
      default:
        return unreachable(state, 'group state');
    }
  }

  #syncResult(member: Member): SyncGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: this.#protocolType,
      protocolName: this.#protocolName,
      assignment: member.assignment,
    };
  }

  /** The leader's assignment: every member gets its bytes (empty if none), the group is Stable. */
  #applyAssignments(assignments: readonly { memberId: string; assignment: Buffer }[]): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const member of this.#members.values()) {
      member.assignment = byMember.get(member.memberId) ?? Buffer.alloc(0);
    }
    this.#state = { id: 'Stable' };
    for (const member of this.#members.values()) {
      member.awaitingSync?.resolve(this.#syncResult(member));
      member.awaitingSync = null;
    }
    this.#publishRebalanced();
  }

  // --- Heartbeat ---

  heartbeat(req: HeartbeatRequest): number {
    const state = this.#state;
    if (state.id === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = this.#members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== this.#generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (state.id) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        // How members that are not rejoining yet learn that they must.
        this.#armSession(member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.#armSession(member);
        return ErrorCode.NONE;
      default:
        return unreachable(state, 'group state');
    }
  }

  // --- LeaveGroup, expiry ---

  leave(members: readonly { memberId: string; groupInstanceId: string | null }[]): LeaveGroupResult {
    if (this.#state.id === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results = members.map(({ memberId, groupInstanceId }) => {
      const pending = this.#pending.get(memberId);
      if (pending) {
        pending.clear();
        this.#pending.delete(memberId);
        if (this.#state.id === 'PreparingRebalance') this.#tryCompleteJoin();
        return { memberId, groupInstanceId, errorCode: ErrorCode.NONE };
      }
      const member =
        memberId === '' && groupInstanceId !== null
          ? this.members.find((m) => m.groupInstanceId === groupInstanceId)
          : this.#members.get(memberId);
      if (!member) return { memberId, groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.#removeMember(member, 'leave', true);
      return { memberId: member.memberId, groupInstanceId, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  /** The member's session deadline moves to now + its session timeout. */
  #armSession(member: Member): void {
    member.session.arm(member.sessionTimeoutMs, () => this.#onSessionExpired(member));
  }

  #onSessionExpired(member: Member): void {
    if (this.#members.get(member.memberId) !== member) return;
    // A member whose JoinGroup or SyncGroup is held is alive: the round's own deadline
    // (rebalance timeout, the leader's session) bounds that wait. A held request released
    // because its connection closed no longer counts.
    const held = (member.awaitingJoin && !member.awaitingJoin.settled) || (member.awaitingSync && !member.awaitingSync.settled);
    if (held) {
      this.#armSession(member);
      return;
    }
    this.#removeMember(member, 'session-timeout', true);
  }

  /** Removes a member; with `rebalance`, the group reacts as Kafka does to a departure. */
  #removeMember(member: Member, reason: MemberLeftReason, rebalance: boolean): void {
    member.session.clear();
    member.awaitingJoin?.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingJoin = null;
    member.awaitingSync?.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingSync = null;
    this.#members.delete(member.memberId);
    if (this.#leaderId === member.memberId) this.#leaderId = this.#members.keys().next().value ?? null;
    this.#deps.publish({
      type: 'broker.group.member.left',
      group: this.groupId,
      memberId: member.memberId,
      reason,
      ts: this.#deps.now(),
    });
    if (rebalance) this.#maybePrepareRebalance();
  }

  // --- offsets, lifecycle ---

  /**
   * Kafka's checks before a commit from this group (kafka-protocol.md §3.8): standalone and
   * admin commits (generation < 0) are fine while Empty; otherwise the member and generation
   * must be current. A valid member's commit also counts as a sign of life.
   */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number): number {
    const state = this.#state;
    if (state.id === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && state.id === 'Empty') return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const member = this.#members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== this.#generationId) return ErrorCode.ILLEGAL_GENERATION;
      this.#armSession(member);
    } else if (state.id !== 'Empty') {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    return state.id === 'CompletingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Terminal: releases every held request with `errorCode` and clears every timer. */
  shutdown(errorCode: number = ErrorCode.COORDINATOR_NOT_AVAILABLE): void {
    this.#state = { id: 'Dead' };
    this.#rebalanceTimer.clear();
    for (const timer of this.#pending.values()) timer.clear();
    this.#pending.clear();
    for (const member of this.#members.values()) {
      member.session.clear();
      member.awaitingJoin?.resolve(joinError(errorCode, member.memberId));
      member.awaitingJoin = null;
      member.awaitingSync?.resolve(syncError(errorCode));
      member.awaitingSync = null;
    }
  }

  #publishRebalanced(): void {
    this.#deps.publish({
      type: 'broker.group.rebalanced',
      group: this.groupId,
      generation: this.#generationId,
      members: this.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost })),
      ts: this.#deps.now(),
    });
  }
}
