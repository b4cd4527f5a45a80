/**
 * Interfaces that one part needs from another. Parts never import each other:
 * system/ builds the parts and hands each the interfaces it needs.
 */

/** A network address of one ready instance. */
export interface InstanceAddress {
  service: string;
  instance: number;
  host: string;
  port: number;
  /** base URL, e.g. http://127.0.0.1:53123 */
  url: string;
}

/** What the gateway and the mesh ask of the locator. */
export interface InstanceResolver {
  /** Ready instances of a service now (empty when none). */
  ready(service: string): readonly InstanceAddress[];
  /**
   * Whether the service is known and expected to come (starting, restarting, reloading),
   * so a caller should wait rather than fail.
   */
  pending(service: string): boolean;
  /** Resolves with the ready instances once there is at least one, or rejects after timeoutMs. */
  waitReady(service: string, timeoutMs: number, signal?: AbortSignal): Promise<readonly InstanceAddress[]>;
  /** Why a service has no ready instance (crash loop, exited with code 1, ...), for error bodies. */
  whyDown(service: string): string | undefined;
}

/** What views (TUI, admin API, harness) read about the broker, whatever its mode. */
export interface BrokerIntrospection {
  topics(): Promise<TopicView[]>;
  groups(): Promise<GroupView[]>;
  /** the last `limit` records of a partition, decoded for display (newest last) */
  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]>;
}

export interface TopicView {
  name: string;
  partitions: PartitionView[];
  /** over the last few seconds, summed over partitions (0 where the mode cannot tell) */
  messagesPerSec: number;
  bytesPerSec: number;
}

export interface PartitionView {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  sizeBytes: number;
}

export interface GroupView {
  groupId: string;
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | 'Unknown';
  generation: number;
  protocol: string | null;
  members: { memberId: string; clientId: string; host: string; assignments: { topic: string; partitions: number[] }[] }[];
  /** per committed partition: committed offset, high watermark, lag */
  offsets: { topic: string; partition: number; committed: number; highWatermark: number; lag: number }[];
}

export interface RecordView {
  offset: number;
  timestamp: number;
  /** text, pretty JSON when the bytes are valid JSON, or a hex preview; null when absent */
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  /** e.g. 'gzip' when the batch was compressed */
  compression: string;
}
