/**
 * What the group APIs hand the coordinator and get back: decoded, version-independent
 * shapes. Handlers in broker/apis translate between these and each wire version.
 */

/** One protocol a member offers in JoinGroup (name, opaque subscription bytes). */
export interface JoinProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: the handler passes the session timeout */
  rebalanceTimeoutMs: number;
  /** '' for a new member */
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinProtocol[];
  /** v4+: a new member first gets MEMBER_ID_REQUIRED with its id (KIP-394) */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
}

/** A member as the leader sees it in its JoinGroup response. */
export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** non-empty only for the leader */
  members: JoinMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+, null when not sent */
  protocolType: string | null;
  protocolName: string | null;
  /** only the leader sends assignments */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  /** top-level error (group-wide problems) */
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** The states of a classic group, as Kafka names them on the wire (DescribeGroups, ListGroups). */
export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** subscription bytes of the chosen protocol; empty unless the group is Stable (as Kafka) */
  metadata: Buffer;
  /** assignment bytes; empty unless the group is Stable (as Kafka) */
  assignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: GroupStateName;
  protocolType: string;
  /** the chosen protocol while Stable, else '' */
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupStateName;
}

/** One (topic, partitions) entry of a consumer-protocol assignment. */
export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

/** A group as the introspection layer shows it. */
export interface GroupSnapshot {
  groupId: string;
  state: GroupStateName;
  generation: number;
  protocolType: string | null;
  protocol: string | null;
  leader: string | null;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    host: string;
    /** decoded when the bytes follow the consumer protocol, else [] */
    assignments: TopicAssignment[];
  }[];
}

export interface OffsetCommitPartition {
  partition: number;
  offset: bigint;
  /** -1 when not sent (before v6) */
  leaderEpoch: number;
  metadata: string | null;
  /** v1's commit_timestamp when the client sent one (not -1); otherwise the broker's clock */
  commitTimestamp?: number;
}

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
}

export interface OffsetCommitResult {
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}

export interface OffsetFetchPartition {
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
}
