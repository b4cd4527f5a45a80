/**
 * What views read about the embedded broker (BrokerIntrospection): topics with offsets
 * (the last stable offset too), sizes and rates, consumer groups with members, assignments,
 * committed offsets and lag, the open transactions, and the last records of a partition
 * decoded for display.
 */
import type { BrokerIntrospection, GroupView, OpenTransactionView, PartitionView, RecordView, TopicView } from '../core/contracts.js';
import type { LogStore, PartitionLog } from './log/contract.js';
import { decodeBatch } from './log/records.js';
import { renderBytes } from './log/render.js';
import { RateWindow } from './view/rate-window.js';

/** The parts of a consumer group snapshot this view needs (GroupCoordinator.snapshot() fits). */
export interface GroupSnapshotLike {
  groupId: string;
  state: string;
  generation: number;
  protocol: string | null;
  members: readonly {
    memberId: string;
    clientId: string;
    host: string;
    assignments: readonly { topic: string; partitions: readonly number[] }[];
  }[];
}

/** The transaction side this view needs (TransactionCoordinator fits). */
export interface TransactionsLike {
  open(): OpenTransactionView[];
  lastStableOffset(topic: string, partition: number, highWatermark: bigint): bigint;
}

/** An embedded broker as this view needs it (EmbeddedBroker fits). */
export interface IntrospectableBroker {
  readonly store: LogStore;
  readonly groups: { snapshot(): readonly GroupSnapshotLike[] };
  readonly transactions?: TransactionsLike;
}

/** Partition logs may count what they appended (StoredPartitionLog does): rates come from these. */
interface CountingLog extends PartitionLog {
  readonly appendedRecords?: number;
  readonly appendedBytes?: number;
}

const GROUP_STATES = new Set<GroupView['state']>(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead']);
/** Most records one recentRecords call decodes. */
const MAX_RECENT = 1000;
/** Most bytes one recentRecords call reads. */
const RECENT_READ_BYTES = 8 * 1024 * 1024;

export class EmbeddedIntrospection implements BrokerIntrospection {
  readonly #store: LogStore;
  readonly #snapshot: () => readonly GroupSnapshotLike[];
  readonly #transactions: TransactionsLike | undefined;
  readonly #now: () => number;
  readonly #rates = new RateWindow();
  /** appends reported through recordAppend, per topic (for stores that do not count) */
  readonly #reported = new Map<string, { records: number; bytes: number }>();
  /** when this view began counting: append counters were 0 then for topics created before */
  readonly #since: number;

  /**
   * From a broker (`new EmbeddedIntrospection(broker)`), or from a store and a function
   * returning the groups snapshot (`new EmbeddedIntrospection(store, () => coordinator.snapshot())`).
   */
  constructor(source: IntrospectableBroker | LogStore, snapshot?: () => readonly GroupSnapshotLike[], options: { now?: () => number; transactions?: TransactionsLike } = {}) {
    if (isStore(source)) {
      this.#store = source;
      this.#snapshot = snapshot ?? (() => []);
      this.#transactions = options.transactions;
    } else {
      const broker = source;
      // Read through the broker each time: its store and coordinator are fixed, but a getter is cheap.
      this.#store = broker.store;
      this.#snapshot = snapshot ?? (() => broker.groups.snapshot());
      this.#transactions = options.transactions ?? broker.transactions;
    }
    this.#now = options.now ?? Date.now;
    this.#since = this.#now();
  }

  /**
   * Counts an append for rates, for a store whose partitions do not count appends
   * themselves (StoredPartitionLog does; then there is no need to call this).
   */
  recordAppend(topic: string, _partition: number, count: number, bytes: number): void {
    const r = this.#reported.get(topic);
    if (r) {
      r.records += count;
      r.bytes += bytes;
    } else this.#reported.set(topic, { records: count, bytes });
  }

  async topics(): Promise<TopicView[]> {
    return this.#sampleRates();
  }

  async groups(): Promise<GroupView[]> {
    const views = new Map<string, GroupView>();
    for (const g of this.#snapshot()) {
      views.set(g.groupId, {
        groupId: g.groupId,
        state: GROUP_STATES.has(g.state as GroupView['state']) ? (g.state as GroupView['state']) : 'Unknown',
        generation: g.generation,
        protocol: g.protocol,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.host,
          assignments: m.assignments.map((a) => ({ topic: a.topic, partitions: [...a.partitions] })),
        })),
        offsets: [],
      });
    }
    for (const groupId of this.#store.groupsWithOffsets()) {
      if (!views.has(groupId)) views.set(groupId, { groupId, state: 'Empty', generation: 0, protocol: null, members: [], offsets: [] });
    }
    for (const view of views.values()) view.offsets = this.#offsets(view.groupId);
    return [...views.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async transactions(): Promise<OpenTransactionView[]> {
    return this.#transactions?.open() ?? [];
  }

  async recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    const log = this.#store.partition(topic, partition);
    const want = Math.min(Math.max(0, Math.floor(limit)), MAX_RECENT);
    if (!log || want === 0) return [];
    const hwm = Number(log.highWatermark);
    const from = Math.max(Number(log.logStartOffset), hwm - want);
    const out: RecordView[] = [];
    for (const batch of log.read(BigInt(from), RECENT_READ_BYTES, true)) {
      let decoded;
      try {
        decoded = decodeBatch(batch);
      } catch (error) {
        out.push(undecodable(batch, error));
        continue;
      }
      if (decoded.control) continue;
      for (const r of decoded.records) {
        if (r.offset < from) continue;
        out.push({
          offset: r.offset,
          timestamp: r.timestamp,
          key: renderBytes(r.key),
          value: renderBytes(r.value),
          headers: r.headers.map((h) => ({ key: h.key, value: renderBytes(h.value) })),
          compression: decoded.compression,
        });
      }
    }
    return out.slice(-want);
  }

  #offsets(groupId: string): GroupView['offsets'] {
    const rows: GroupView['offsets'] = [];
    for (const [topic, parts] of this.#store.committedOffsets(groupId)) {
      for (const [partition, committed] of parts) {
        const log = this.#store.partition(topic, partition);
        const hwm = log ? Number(log.highWatermark) : 0;
        const offset = Number(committed.offset);
        // Nothing committed yet (-1) means the group would start from the log start.
        const from = offset < 0 ? (log ? Number(log.logStartOffset) : 0) : offset;
        rows.push({ topic, partition, committed: offset, highWatermark: hwm, lag: Math.max(0, hwm - from) });
      }
    }
    return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  #sampleRates(): TopicView[] {
    const now = this.#now();
    const views: TopicView[] = [];
    const names = new Set<string>();
    for (const info of this.#store.topics()) {
      names.add(info.name);
      const partitions: PartitionView[] = [];
      let records = 0;
      let bytes = 0;
      for (let p = 0; p < info.partitions; p++) {
        const log = this.#store.partition(info.name, p) as CountingLog | undefined;
        if (!log) continue;
        const hwm = log.highWatermark;
        partitions.push({
          partition: p,
          logStartOffset: Number(log.logStartOffset),
          highWatermark: Number(hwm),
          lastStableOffset: Number(this.#transactions?.lastStableOffset(info.name, p, hwm) ?? hwm),
          sizeBytes: log.sizeBytes,
        });
        records += log.appendedRecords ?? 0;
        bytes += log.appendedBytes ?? 0;
      }
      const reported = this.#reported.get(info.name);
      if (reported) {
        records += reported.records;
        bytes += reported.bytes;
      }
      views.push({ name: info.name, partitions, ...this.#rates.sample(info.name, records, bytes, now, Math.max(this.#since, info.createdAt)) });
    }
    this.#rates.retain(names);
    for (const name of [...this.#reported.keys()]) if (!names.has(name)) this.#reported.delete(name);
    return views.sort((a, b) => a.name.localeCompare(b.name));
  }
}

function isStore(source: IntrospectableBroker | LogStore): source is LogStore {
  return typeof (source as LogStore).createTopic === 'function';
}

function undecodable(batch: Buffer, error: unknown): RecordView {
  return {
    offset: Number(batch.readBigInt64BE(0)),
    timestamp: Number(batch.readBigInt64BE(27)),
    key: null,
    value: `(cannot decode this batch: ${(error as Error).message})`,
    headers: [],
    compression: 'unknown',
  };
}
