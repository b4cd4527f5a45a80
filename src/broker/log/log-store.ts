/**
 * The embedded broker's storage: every topic's partition logs and the committed consumer
 * offsets, in memory or in a data directory:
 *
 *   <dataDir>/topics.json                      topic names, ids, partition counts, config overrides
 *   <dataDir>/<topic>-<partition>/<base>.log   append-only segments of stored batches
 *   <dataDir>/offsets.jsonl                    committed offsets and transactional ids journal
 *   <dataDir>/.lock                            pid of the owning process
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommittedOffset, LogStore, TopicConfigEntry, TopicInfo, TransactionalIdRecord } from './contract.js';
import { devmodeTopicDefaults, effectiveConfigs, settingsOf, type TopicSettings } from './topic-settings.js';
import { topicConfigProblem } from '../../util/topic-config.js';
import { lockDataDir } from './data-dir-lock.js';
import { InvalidConfigError, InvalidPartitionsError, InvalidTopicError, OffsetOutOfRangeError, TopicExistsError } from './errors.js';
import { OffsetStore } from './offset-store.js';
import { StoredPartitionLog, type CompactionStats, type PartitionLogOptions, type PartitionLogSettings } from './partition-log.js';
import { recoverPartitionDir } from './recovery.js';
import { topicNameProblem } from './topic-name.js';
import { readTopicsFile, writeTopicsFile } from './topics-file.js';

export interface LogStoreOptions {
  /** directory to persist into, or null to keep everything in memory for the run */
  dataDir: string | null;
  /** per partition; default 256 MiB */
  retentionBytes?: number;
  /** per partition; default 24 h */
  retentionMs?: number;
  /** segment size; default 16 MiB on disk, 1 MiB in memory, at most a quarter of retentionBytes */
  segmentBytes?: number;
  /**
   * broker-wide topic config defaults (devmode.yaml's kafka.topic_config, valid names and
   * values); retentionBytes/retentionMs above, when given, count as such defaults too
   */
  topicDefaults?: Readonly<Record<string, string>>;
  /** the largest batch a topic accepts unless it sets max.message.bytes; default Kafka's 1048588 */
  maxMessageBytes?: number;
  /** how often age retention runs without appends; default 30 s */
  retentionCheckMs?: number;
  /** most partitions one topic may have; default 1000 */
  maxPartitions?: number;
  /** a wake listener threw (a bug in the caller); default: ignored */
  onListenerError?: (error: unknown) => void;
  /** how often compacted topics are checked for work; default 1 s (dev-friendly, Kafka's is 15 s) */
  cleanerCheckMs?: number;
  /** compaction of a partition failed (I/O); the log is left as it was; default: ignored */
  onCleanerError?: (error: unknown) => void;
  /** clock, for tests */
  now?: () => number;
}

interface TopicEntry {
  info: TopicInfo;
  logs: StoredPartitionLog[];
  settings: TopicSettings;
}

export const DEFAULT_RETENTION_BYTES = 256 * 1024 * 1024;
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Implements LogStore over StoredPartitionLog; see the file comment for the on-disk layout. */
export class EmbeddedLogStore implements LogStore {
  readonly #dataDir: string | null;
  readonly #brokerDefaults: Readonly<Record<string, string>>;
  readonly #devDefaults: Readonly<Record<string, string>>;
  readonly #retentionCheckMs: number;
  readonly #maxPartitions: number;
  readonly #onListenerError: ((error: unknown) => void) | undefined;
  readonly #now: () => number;
  readonly #topics = new Map<string, TopicEntry>();
  readonly #offsets: OffsetStore;
  #timer: NodeJS.Timeout | null = null;
  #cleaner: NodeJS.Timeout | null = null;
  readonly #cleanerCheckMs: number;
  readonly #onCleanerError: ((error: unknown) => void) | undefined;
  #unlock: (() => void) | null = null;
  #state: 'new' | 'open' | 'closed' = 'new';

  constructor(options: LogStoreOptions) {
    this.#dataDir = options.dataDir;
    const brokerDefaults: Record<string, string> = {};
    if (options.retentionBytes !== undefined) brokerDefaults['retention.bytes'] = kafkaLimit(options.retentionBytes);
    if (options.retentionMs !== undefined) brokerDefaults['retention.ms'] = kafkaLimit(options.retentionMs);
    if (options.maxMessageBytes !== undefined) brokerDefaults['max.message.bytes'] = String(options.maxMessageBytes);
    // the named topic defaults are the more specific setting: they win
    this.#brokerDefaults = { ...brokerDefaults, ...options.topicDefaults };
    const dev = devmodeTopicDefaults(options.dataDir === null);
    if (options.segmentBytes !== undefined) dev['segment.bytes'] = String(options.segmentBytes);
    this.#devDefaults = dev;
    this.#retentionCheckMs = options.retentionCheckMs ?? 30_000;
    this.#cleanerCheckMs = options.cleanerCheckMs ?? 1000;
    this.#onCleanerError = options.onCleanerError;
    this.#maxPartitions = options.maxPartitions ?? 1000;
    this.#onListenerError = options.onListenerError;
    this.#now = options.now ?? Date.now;
    this.#offsets = new OffsetStore(options.dataDir === null ? null : join(options.dataDir, 'offsets.jsonl'));
  }

  /** The data directory, or null in memory. */
  get dataDir(): string | null {
    return this.#dataDir;
  }

  async open(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'open';
    const dir = this.#dataDir;
    if (dir !== null) {
      mkdirSync(dir, { recursive: true });
      this.#unlock = lockDataDir(dir);
      try {
        const now = this.#now();
        for (const info of readTopicsFile(join(dir, 'topics.json'))) {
          const settings = this.#settingsOf(info.configs);
          const logs: StoredPartitionLog[] = [];
          for (let p = 0; p < info.partitions; p++) {
            const options = this.#partitionOptions(info.name, p, settings);
            const { segments, gaps } = recoverPartitionDir(options.dir!, now);
            const log = new StoredPartitionLog(options, segments, gaps);
            log.enforceRetention(now);
            logs.push(log);
          }
          this.#topics.set(info.name, { info, logs, settings });
        }
        this.#offsets.open();
      } catch (error) {
        this.#closeAll();
        throw error;
      }
    }
    this.#timer = setInterval(() => this.enforceRetention(), this.#retentionCheckMs);
    this.#timer.unref();
    this.#cleaner = setInterval(() => this.compactDue(), this.#cleanerCheckMs);
    this.#cleaner.unref();
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closeAll();
  }

  #closeAll(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#cleaner) clearInterval(this.#cleaner);
    this.#cleaner = null;
    for (const { logs } of this.#topics.values()) for (const log of logs) log.close();
    this.#offsets.close();
    this.#unlock?.();
    this.#unlock = null;
  }

  /**
   * The cleaner's round: for each compacted topic, rolls active segments past segment.ms and
   * compacts the partitions whose dirty share reaches min.cleanable.dirty.ratio (or whose
   * kept tombstones expired). Returns what was compacted.
   */
  compactDue(): { topic: string; partition: number; stats: CompactionStats }[] {
    const now = this.#now();
    const done: { topic: string; partition: number; stats: CompactionStats }[] = [];
    for (const { info, logs, settings } of this.#topics.values()) {
      if (!settings.compacts) continue;
      for (const log of logs) {
        try {
          log.rollIfDue(now);
          if (log.needsCompaction(now, settings.minCleanableDirtyRatio)) {
            done.push({ topic: info.name, partition: log.partition, stats: log.compact(now, settings.deleteRetentionMs) });
          }
        } catch (error) {
          this.#onCleanerError?.(error);
        }
      }
    }
    return done;
  }

  /** Compacts every partition of `topic` now, whatever its dirty ratio (tests, benchmarks). */
  compactNow(topic: string): CompactionStats[] {
    const entry = this.#topics.get(topic);
    if (!entry) return [];
    const now = this.#now();
    return entry.logs.map((log) => log.compact(now, entry.settings.deleteRetentionMs));
  }

  /** Runs size and age retention on every partition now. */
  enforceRetention(): void {
    const now = this.#now();
    for (const { logs } of this.#topics.values()) for (const log of logs) log.enforceRetention(now);
  }

  topics(): readonly TopicInfo[] {
    return [...this.#topics.values()].map((t) => t.info);
  }

  topic(name: string): TopicInfo | undefined {
    return this.#topics.get(name)?.info;
  }

  topicById(id: Buffer): TopicInfo | undefined {
    for (const { info } of this.#topics.values()) if (info.id.equals(id)) return info;
    return undefined;
  }

  createTopic(name: string, partitions: number, configs: Readonly<Record<string, string>> = {}): TopicInfo {
    const problem = topicNameProblem(name);
    if (problem) throw new InvalidTopicError(problem);
    if (this.#topics.has(name)) throw new TopicExistsError(name);
    this.#checkPartitionCount(name, partitions);
    checkConfigs(configs);
    const info: TopicInfo = { name, id: newTopicId(), partitions, createdAt: this.#now(), configs: { ...configs } };
    const settings = this.#settingsOf(info.configs);
    const logs: StoredPartitionLog[] = [];
    for (let p = 0; p < partitions; p++) logs.push(this.#newPartition(name, p, settings));
    this.#topics.set(name, { info, logs, settings });
    this.#saveTopics();
    return info;
  }

  topicConfigs(name: string): TopicConfigEntry[] | undefined {
    const entry = this.#topics.get(name);
    if (!entry) return undefined;
    return effectiveConfigs(entry.info.configs, this.#brokerDefaults, this.#devDefaults);
  }

  setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): boolean {
    const entry = this.#topics.get(name);
    if (!entry) return false;
    checkConfigs(configs);
    entry.info = { ...entry.info, configs: { ...configs } };
    entry.settings = this.#settingsOf(entry.info.configs);
    this.#saveTopics();
    const now = this.#now();
    for (const log of entry.logs) log.configure(partitionSettings(entry.settings), now);
    return true;
  }

  /** The settings of a topic (what its logs act on), or undefined when absent. */
  topicSettings(name: string): TopicSettings | undefined {
    return this.#topics.get(name)?.settings;
  }

  #settingsOf(configs: Readonly<Record<string, string>>): TopicSettings {
    return settingsOf(effectiveConfigs(configs, this.#brokerDefaults, this.#devDefaults));
  }

  /** Grows a topic to `total` partitions (CreatePartitions). */
  addPartitions(name: string, total: number): TopicInfo {
    const entry = this.#topics.get(name);
    if (!entry) throw new InvalidTopicError(`topic "${name}" does not exist`);
    if (total <= entry.info.partitions) {
      throw new InvalidPartitionsError(`topic "${name}" has ${entry.info.partitions} partitions; the new count must be larger, not ${total}`);
    }
    this.#checkPartitionCount(name, total);
    for (let p = entry.info.partitions; p < total; p++) entry.logs.push(this.#newPartition(name, p, entry.settings));
    entry.info = { ...entry.info, partitions: total };
    this.#saveTopics();
    return entry.info;
  }

  deleteTopic(name: string): boolean {
    const entry = this.#topics.get(name);
    if (!entry) return false;
    this.#topics.delete(name);
    // The topic list first: a crash between the two leaves orphan directories, never a
    // topic without its data.
    this.#saveTopics();
    for (const log of entry.logs) {
      log.remove();
      if (this.#dataDir !== null) rmSync(this.#partitionDir(name, log.partition), { recursive: true, force: true });
    }
    this.#offsets.deleteTopic(name);
    return true;
  }

  partition(topic: string, partition: number): StoredPartitionLog | undefined {
    return this.#topics.get(topic)?.logs[partition];
  }

  commitOffset(group: string, topic: string, partition: number, value: CommittedOffset): void {
    this.#offsets.commit(group, topic, partition, value);
  }

  committedOffset(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#offsets.get(group, topic, partition);
  }

  committedOffsets(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.#offsets.byGroup(group);
  }

  deleteGroupOffsets(group: string): void {
    this.#offsets.deleteGroup(group);
  }

  deleteCommittedOffset(group: string, topic: string, partition: number): boolean {
    return this.#offsets.deletePartition(group, topic, partition);
  }

  groupProtocolType(group: string): string | undefined {
    return this.#offsets.protocolType(group);
  }

  setGroupProtocolType(group: string, protocolType: string): void {
    this.#offsets.setProtocolType(group, protocolType);
  }

  deleteRecords(topic: string, partition: number, offset: bigint): bigint {
    const log = this.partition(topic, partition);
    if (!log) throw new InvalidTopicError(`topic "${topic}" has no partition ${partition}`);
    const target = offset === -1n ? log.highWatermark : offset;
    if (target < 0n || target > log.highWatermark) {
      throw new OffsetOutOfRangeError(`offset ${offset} is outside ${topic}-${partition}'s range [${log.logStartOffset}, ${log.highWatermark}]`);
    }
    log.deleteBefore(Number(target), this.#now());
    return log.logStartOffset;
  }

  groupsWithOffsets(): readonly string[] {
    return this.#offsets.groups();
  }

  transactionalIds(): ReadonlyMap<string, TransactionalIdRecord> {
    return this.#offsets.transactionalIds();
  }

  setTransactionalId(transactionalId: string, record: TransactionalIdRecord): void {
    this.#offsets.setTransactionalId(transactionalId, record);
  }

  #checkPartitionCount(name: string, partitions: number): void {
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > this.#maxPartitions) {
      throw new InvalidPartitionsError(`topic "${name}": partition count must be between 1 and ${this.#maxPartitions}, not ${partitions}`);
    }
  }

  #partitionDir(topic: string, partition: number): string {
    return join(this.#dataDir!, `${topic}-${partition}`);
  }

  #partitionOptions(topic: string, partition: number, settings: TopicSettings): PartitionLogOptions {
    return {
      topic,
      partition,
      dir: this.#dataDir === null ? null : this.#partitionDir(topic, partition),
      ...partitionSettings(settings),
      ...(this.#onListenerError ? { onListenerError: this.#onListenerError } : {}),
    };
  }

  #newPartition(topic: string, partition: number, settings: TopicSettings): StoredPartitionLog {
    const options = this.#partitionOptions(topic, partition, settings);
    if (options.dir !== null) {
      // Leftovers of a deleted topic of the same name (a crash mid-deletion) must not come back.
      rmSync(options.dir, { recursive: true, force: true });
      mkdirSync(options.dir, { recursive: true });
    }
    return StoredPartitionLog.create(options, this.#now());
  }

  #saveTopics(): void {
    if (this.#dataDir === null) return;
    writeTopicsFile(join(this.#dataDir, 'topics.json'), this.topics());
  }
}

/** What a partition log takes from its topic's settings. */
function partitionSettings(settings: TopicSettings): PartitionLogSettings {
  return {
    // Retention drops whole segments, so a segment must be small next to the retained size.
    segmentBytes: Math.max(1024, Math.min(settings.segmentBytes, Math.floor(settings.retentionBytes / 4))),
    segmentMs: settings.segmentMs,
    retentionBytes: settings.retentionBytes,
    retentionMs: settings.retentionMs,
    deletes: settings.deletes,
    maxMessageBytes: settings.maxMessageBytes,
    logAppendTime: settings.logAppendTime,
    compacts: settings.compacts,
  };
}

/** Kafka's -1 for an unlimited value given as a number (MAX_SAFE_INTEGER or negative). */
function kafkaLimit(v: number): string {
  return v < 0 || v >= Number.MAX_SAFE_INTEGER ? '-1' : String(v);
}

/** Configs reach the store validated (the wire and config layers answer bad ones); a bad one here is a bug. */
function checkConfigs(configs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(configs)) {
    const problem = topicConfigProblem(name, value);
    if (problem) throw new InvalidConfigError(problem.message);
  }
}

/** A random non-zero 16-byte topic id (a UUID v4). */
function newTopicId(): Buffer {
  const id = randomBytes(16);
  id[6] = (id[6]! & 0x0f) | 0x40;
  id[8] = (id[8]! & 0x3f) | 0x80;
  return id;
}
