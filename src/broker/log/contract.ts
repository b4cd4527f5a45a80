/**
 * The storage contract between the broker's wire layer (broker/apis, broker/server) and
 * its log (broker/log). Written first so both sides can be built at once; the log side
 * implements it, the wire side only calls it.
 *
 * Batches are RecordBatch v2 bytes exactly as a producer sent them (compressed or not);
 * the log rewrites only baseOffset (bytes 0..7), which is outside the CRC.
 */

/** A Kafka error code (see kafka-protocol.md §3.7); 0 = none. */
export type KafkaErrorCode = number;

/** The fixed-size header fields of a RecordBatch v2 that the broker needs (no record decoding). */
export interface BatchHeader {
  baseOffset: bigint;
  /** bytes after the length field: total size - 12 */
  batchLength: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface AppendResult {
  /** offset given to the first record */
  baseOffset: bigint;
  /** -1 for CreateTime topics */
  logAppendTime: bigint;
  logStartOffset: bigint;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** first offset still retained */
  readonly logStartOffset: bigint;
  /** next offset to be assigned (= high watermark = last stable offset on a single node) */
  readonly highWatermark: bigint;
  /** bytes currently retained */
  readonly sizeBytes: number;
  /**
   * Append one validated batch. Assigns offsets, stores the bytes (writes through to the
   * segment file when persistent). Throws only on I/O failure.
   */
  append(batch: Buffer, now: number): AppendResult;
  /**
   * Whole batches from the one containing `fetchOffset` onwards, up to `maxBytes` in total,
   * except that the first batch is always returned whole even if larger (KIP-74) when
   * `allowOversizedFirst` is true. Empty when fetchOffset == highWatermark.
   */
  read(fetchOffset: bigint, maxBytes: number, allowOversizedFirst: boolean): Buffer[];
  /** first offset whose timestamp >= ts, or -1n if none (ListOffsets by timestamp) */
  offsetForTimestamp(ts: bigint): { offset: bigint; timestamp: bigint };
  /** the largest batch accepted (the topic's max.message.bytes) */
  readonly maxMessageBytes: number;
  /** every record needs a key (cleanup.policy has compact) */
  readonly requiresKeys: boolean;
  /**
   * Calls `listener` synchronously after every append (and once when the partition's topic
   * is deleted) until the returned cancel function is called. Used to wake parked fetches.
   */
  onAppend(listener: () => void): () => void;
}

export interface TopicInfo {
  readonly name: string;
  /** stable for the topic's life, new on re-creation; 16 bytes */
  readonly id: Buffer;
  readonly partitions: number;
  readonly createdAt: number;
  /** the topic's own config overrides (CreateTopics, AlterConfigs); others come from defaults */
  readonly configs: Readonly<Record<string, string>>;
}

/** One effective topic config: its value and where it comes from. */
export interface TopicConfigEntry {
  name: string;
  value: string;
  source: 'topic' | 'broker' | 'default';
}

/** Committed offset of one group for one partition. */
export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

/** A transactional id's producer, kept with the data directory (Kafka's __transaction_state). */
export interface TransactionalIdRecord {
  producerId: bigint;
  epoch: number;
  timeoutMs: number;
}

/**
 * All topics and partitions of the embedded broker, in memory or in a data directory.
 * `open()` recovers a data directory (truncating a torn tail, keeping every complete batch).
 */
export interface LogStore {
  open(): Promise<void>;
  close(): Promise<void>;
  topics(): readonly TopicInfo[];
  topic(name: string): TopicInfo | undefined;
  topicById(id: Buffer): TopicInfo | undefined;
  /** throws TopicExistsError when present; `configs` must be valid (util/topic-config) */
  createTopic(name: string, partitions: number, configs?: Readonly<Record<string, string>>): TopicInfo;
  /** every config of a topic with its value and source; undefined when absent */
  topicConfigs(name: string): TopicConfigEntry[] | undefined;
  /** replaces a topic's overrides (valid ones) and applies them to its partitions; false when absent */
  setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): boolean;
  /** false when absent */
  deleteTopic(name: string): boolean;
  partition(topic: string, partition: number): PartitionLog | undefined;
  /** committed consumer offsets, persisted with the data directory */
  commitOffset(group: string, topic: string, partition: number, value: CommittedOffset): void;
  committedOffset(group: string, topic: string, partition: number): CommittedOffset | undefined;
  /** every (topic, partition) a group has committed */
  committedOffsets(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>>;
  deleteGroupOffsets(group: string): void;
  /** forgets one partition's committed offset of a group (OffsetDelete); false when none */
  deleteCommittedOffset(group: string, topic: string, partition: number): boolean;
  /** a group's protocol type as last seen, kept with the data directory */
  groupProtocolType(group: string): string | undefined;
  setGroupProtocolType(group: string, protocolType: string): void;
  /** grows a topic to `total` partitions (throws InvalidPartitionsError when not larger) */
  addPartitions(name: string, total: number): TopicInfo;
  /**
   * Deletes a partition's records below `offset` (-1: the high watermark) by moving its log
   * start offset (DeleteRecords); returns the new low watermark. Throws OffsetOutOfRangeError
   * past the high watermark.
   */
  deleteRecords(topic: string, partition: number, offset: bigint): bigint;
  /** groups with committed offsets (so ListGroups can show idle groups) */
  groupsWithOffsets(): readonly string[];
  /** every transactional id's producer id, epoch and timeout, kept with the data directory */
  transactionalIds(): ReadonlyMap<string, TransactionalIdRecord>;
  setTransactionalId(transactionalId: string, record: TransactionalIdRecord): void;
}
