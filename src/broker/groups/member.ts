import type { Deferred } from '../../util/deferred.js';
import { TimerSlot, type Scheduler } from './scheduler.js';
import type { JoinGroupResult, JoinProtocol, SyncGroupResult } from './types.js';

/**
 * One member of a classic group: what it joined with, the assignment it was given, its
 * session timer, and the JoinGroup/SyncGroup response it is waiting for, if any.
 */
export class Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinProtocol[];
  assignment: Buffer = Buffer.alloc(0);
  /** set while a JoinGroup is held for this member (it has rejoined this round) */
  awaitingJoin: Deferred<JoinGroupResult> | null = null;
  /** set while a SyncGroup is held for this member */
  awaitingSync: Deferred<SyncGroupResult> | null = null;
  readonly session: TimerSlot;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    sessionTimeoutMs: number;
    rebalanceTimeoutMs: number;
    protocolType: string;
    protocols: JoinProtocol[];
    scheduler: Scheduler;
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
    this.session = new TimerSlot(init.scheduler);
  }

  /** The subscription bytes this member sent for `protocol` (empty if it did not offer it). */
  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** Whether a rejoin carries exactly the protocols (names, order, bytes) this member has. */
  sameProtocols(protocols: readonly JoinProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => {
      const mine = this.protocols[i];
      return mine !== undefined && mine.name === p.name && mine.metadata.equals(p.metadata);
    });
  }
}
