/**
 * The transaction coordinator of the embedded broker (one node: it coordinates every
 * transactional id). Per transactional id: the producer id and epoch InitProducerId gave,
 * the timeout, and the open transaction (its partitions, the groups AddOffsetsToTxn named
 * and the offsets TxnOffsetCommit staged). Per partition: the first offset of each open
 * transaction (the last stable offset is the smallest) and the aborted transactions (for
 * read_committed fetches to filter).
 * EndTxn writes a control batch (commit or abort marker) to every partition of the
 * transaction; staged offsets reach the group's committed offsets only on commit. A
 * transaction open longer than its timeout is aborted and its producer's epoch bumped,
 * so the producer is fenced (INVALID_PRODUCER_EPOCH), as Kafka does.
 * Transactional ids (producer id, epoch, timeout) are kept with the data directory, like
 * Kafka's __transaction_state: a restarted broker gives a producer calling InitProducerId
 * again the same producer id with the next epoch. The partitions' side is rebuilt from the
 * log on start (recover): markers give the aborted transactions, and a transaction left open
 * by a crash is aborted (an abort marker is written) and its transactional id's epoch bumped,
 * so nothing uncommitted becomes visible to read_committed after a restart and a producer
 * that outlived the broker learns that its transaction is gone (INVALID_PRODUCER_EPOCH)
 * instead of committing an empty one.
 * An aborted transaction wholly below the log start offset (retention, DeleteRecords) is
 * dropped from the list, as Kafka drops a deleted segment's transaction index, on the
 * partition's next abort or read_committed fetch.
 */
import type { BrokerContext } from './api.js';
import type { LogStore, PartitionLog } from '../log/contract.js';
import type { ProducerIds } from './api.js';
import type { OpenTransactionView } from '../../core/contracts.js';
import { readBatchHeader } from '../log/batch.js';
import { decodeBatch } from '../log/records.js';
import { encodeBatch } from '../log/batch-encode.js';
import { Attr } from '../log/batch.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { commitOffsets } from '../groups/offsets.js';

/** Kafka's transaction.max.timeout.ms default. */
const MAX_TIMEOUT_MS = 15 * 60_000;

interface StagedOffset {
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

interface OpenTransaction {
  /** "topic\0partition" -> where its first record landed (null: nothing produced yet) */
  partitions: Map<string, { topic: string; partition: number; firstOffset: bigint | null }>;
  /** groups named by AddOffsetsToTxn */
  groups: Set<string>;
  offsets: StagedOffset[];
  startedAt: number;
  timer: NodeJS.Timeout;
}

interface TransactionalId {
  producerId: bigint;
  epoch: number;
  timeoutMs: number;
  open: OpenTransaction | null;
}

interface PartitionTransactions {
  /** producer id -> first offset of its open transaction here */
  ongoing: Map<bigint, bigint>;
  /** in the order their markers were written (so by last offset) */
  aborted: { producerId: bigint; firstOffset: bigint; lastOffset: bigint }[];
}

/** What Fetch needs of one partition's transactions. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** An open transaction, for DescribeTransactions and introspection. */
export interface TransactionView {
  transactionalId: string;
  producerId: bigint;
  epoch: number;
  timeoutMs: number;
  state: 'Empty' | 'Ongoing';
  startedAt: number;
  partitions: { topic: string; partition: number }[];
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

export class TransactionCoordinator {
  readonly #ids = new Map<string, TransactionalId>();
  readonly #partitions = new Map<string, PartitionTransactions>();
  #stopped = false;

  /** InitProducerId with a transactional id: an open transaction is aborted, the epoch bumped (fencing the older producer). */
  init(b: BrokerContext, transactionalId: string, timeoutMs: number): { error: number; producerId: bigint; epoch: number } {
    if (timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) return { error: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1n, epoch: -1 };
    const known = this.#ids.get(transactionalId);
    if (known?.open) this.#end(b, known, false);
    const given = this.#bump(b.store, b.producers, transactionalId, known, timeoutMs);
    return { error: ErrorCode.NONE, ...given };
  }

  /** The next epoch of a transactional id's producer (a fresh id for a new one), kept with the data directory. */
  #bump(store: LogStore, producers: ProducerIds, transactionalId: string, known: TransactionalId | undefined, timeoutMs: number): { producerId: bigint; epoch: number } {
    const given = producers.init(known ? { producerId: known.producerId, epoch: known.epoch } : null);
    this.#ids.set(transactionalId, { ...given, timeoutMs, open: null });
    store.setTransactionalId(transactionalId, { ...given, timeoutMs });
    return given;
  }

  /** The state of `transactionalId` if `producerId`/`epoch` are its current producer; else the error to answer. */
  #check(transactionalId: string, producerId: bigint, epoch: number): TransactionalId | number {
    const state = this.#ids.get(transactionalId);
    if (!state || state.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== state.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    return state;
  }

  #open(b: BrokerContext, transactionalId: string, state: TransactionalId): OpenTransaction {
    if (state.open) return state.open;
    const timer = setTimeout(() => {
      // expired: abort, and bump the epoch so the producer learns it was fenced
      if (this.#stopped || state.open !== open || this.#ids.get(transactionalId) !== state) return;
      this.#end(b, state, false);
      this.#bump(b.store, b.producers, transactionalId, state, state.timeoutMs);
    }, state.timeoutMs);
    timer.unref();
    const open: OpenTransaction = { partitions: new Map(), groups: new Set(), offsets: [], startedAt: b.now(), timer };
    state.open = open;
    return open;
  }

  /** AddPartitionsToTxn: one error code per partition. */
  addPartitions(b: BrokerContext, transactionalId: string, producerId: bigint, epoch: number, topic: string, partitions: number[]): number[] {
    const state = this.#check(transactionalId, producerId, epoch);
    if (typeof state === 'number') return partitions.map(() => state);
    const missing = partitions.some((p) => !b.store.partition(topic, p));
    if (missing) return partitions.map((p) => (b.store.partition(topic, p) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    const open = this.#open(b, transactionalId, state);
    for (const p of partitions) if (!open.partitions.has(key(topic, p))) open.partitions.set(key(topic, p), { topic, partition: p, firstOffset: null });
    return partitions.map(() => ErrorCode.NONE);
  }

  /** AddOffsetsToTxn: the group's offsets may now be staged (TxnOffsetCommit). */
  addOffsets(b: BrokerContext, transactionalId: string, producerId: bigint, epoch: number, groupId: string): number {
    const state = this.#check(transactionalId, producerId, epoch);
    if (typeof state === 'number') return state;
    this.#open(b, transactionalId, state).groups.add(groupId);
    return ErrorCode.NONE;
  }

  /** TxnOffsetCommit: stages offsets until EndTxn; one error code per partition. */
  stageOffsets(b: BrokerContext, transactionalId: string, producerId: bigint, epoch: number, offsets: StagedOffset[]): number[] {
    const state = this.#check(transactionalId, producerId, epoch);
    if (typeof state === 'number') return offsets.map(() => state);
    if (!state.open) return offsets.map(() => ErrorCode.INVALID_TXN_STATE);
    const open = state.open;
    return offsets.map((o) => {
      if (!b.store.partition(o.topic, o.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      open.offsets.push(o);
      return ErrorCode.NONE;
    });
  }

  /** EndTxn: writes the markers; on commit, the staged offsets become committed offsets. */
  endTxn(b: BrokerContext, transactionalId: string, producerId: bigint, epoch: number, commit: boolean): number {
    const state = this.#check(transactionalId, producerId, epoch);
    if (typeof state === 'number') return state;
    if (state.open) this.#end(b, state, commit);
    return ErrorCode.NONE;
  }

  /**
   * Produce of a transactional batch: NONE when the producer is current and the partition
   * was added to its open transaction.
   */
  checkProduce(transactionalId: string | null, producerId: bigint, epoch: number, topic: string, partition: number): number {
    if (transactionalId === null) return ErrorCode.INVALID_RECORD; // Kafka: a transactional batch needs the request's transactional id
    const state = this.#check(transactionalId, producerId, epoch);
    if (typeof state === 'number') return state;
    if (!state.open?.partitions.has(key(topic, partition))) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /** A transactional batch was appended at `offset` (after checkProduce said NONE). */
  appended(transactionalId: string, topic: string, partition: number, producerId: bigint, offset: bigint): void {
    const entry = this.#ids.get(transactionalId)?.open?.partitions.get(key(topic, partition));
    if (!entry || entry.firstOffset !== null) return;
    entry.firstOffset = offset;
    this.#partition(topic, partition).ongoing.set(producerId, offset);
  }

  /** Drops the aborted transactions wholly below the log start offset (retention or DeleteRecords removed them). */
  #trim(log: PartitionLog, txns: PartitionTransactions): void {
    const start = log.logStartOffset;
    if (txns.aborted.length > 0 && txns.aborted[0]!.lastOffset < start) txns.aborted = txns.aborted.filter((a) => a.lastOffset >= start);
  }

  #partition(topic: string, partition: number): PartitionTransactions {
    let p = this.#partitions.get(key(topic, partition));
    if (!p) this.#partitions.set(key(topic, partition), (p = { ongoing: new Map(), aborted: [] }));
    return p;
  }

  #end(b: BrokerContext, state: TransactionalId, commit: boolean): void {
    const open = state.open!;
    clearTimeout(open.timer);
    state.open = null;
    const now = b.now();
    for (const entry of open.partitions.values()) {
      const log = b.store.partition(entry.topic, entry.partition);
      if (!log) continue; // the topic was deleted meanwhile
      const marker = controlBatch(state.producerId, state.epoch, commit, now);
      const { baseOffset } = log.append(marker, now);
      const txns = this.#partition(entry.topic, entry.partition);
      this.#trim(log, txns);
      txns.ongoing.delete(state.producerId);
      if (!commit && entry.firstOffset !== null) txns.aborted.push({ producerId: state.producerId, firstOffset: entry.firstOffset, lastOffset: baseOffset });
    }
    if (!commit) return;
    const byGroup = new Map<string, StagedOffset[]>();
    for (const o of open.offsets) byGroup.set(o.groupId, [...(byGroup.get(o.groupId) ?? []), o]);
    for (const [groupId, offsets] of byGroup) {
      const topics = [...new Set(offsets.map((o) => o.topic))].map((name) => ({
        name,
        partitions: offsets
          .filter((o) => o.topic === name)
          .map((o) => ({ partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: now })),
      }));
      commitOffsets(b.store, { groupId, generationId: -1, memberId: '', groupInstanceId: null, topics }, ErrorCode.NONE, now);
    }
  }

  /** The last stable offset: below the first record of any open transaction. */
  lastStableOffset(topic: string, partition: number, highWatermark: bigint): bigint {
    let lso = highWatermark;
    const p = this.#partitions.get(key(topic, partition));
    if (p) for (const first of p.ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  /** Aborted transactions of `log` overlapping [from, to), for a read_committed client to filter out. */
  abortedIn(log: PartitionLog, from: bigint, to: bigint): AbortedTransaction[] {
    const p = this.#partitions.get(key(log.topic, log.partition));
    if (!p) return [];
    this.#trim(log, p);
    return p.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
  }

  /** How many aborted transactions a partition's list holds (what retention trims). */
  abortedCount(topic: string, partition: number): number {
    return this.#partitions.get(key(topic, partition))?.aborted.length ?? 0;
  }

  /** The open transactions, oldest first, with where each partition's first record landed (introspection). */
  open(): OpenTransactionView[] {
    const out: OpenTransactionView[] = [];
    for (const [transactionalId, s] of this.#ids) {
      if (!s.open) continue;
      out.push({
        transactionalId,
        producerId: Number(s.producerId),
        epoch: s.epoch,
        state: 'Ongoing',
        startedAt: s.open.startedAt,
        timeoutMs: s.timeoutMs,
        partitions: [...s.open.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, firstOffset: p.firstOffset === null ? null : Number(p.firstOffset) })),
        groups: [...s.open.groups],
      });
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.transactionalId.localeCompare(b.transactionalId));
  }

  /** Every transactional id this broker knows (ListTransactions). */
  ids(): string[] {
    return [...this.#ids.keys()];
  }

  describe(transactionalId: string): TransactionView | undefined {
    const s = this.#ids.get(transactionalId);
    if (!s) return undefined;
    return {
      transactionalId,
      producerId: s.producerId,
      epoch: s.epoch,
      timeoutMs: s.timeoutMs,
      state: s.open ? 'Ongoing' : 'Empty',
      startedAt: s.open?.startedAt ?? -1,
      partitions: s.open ? [...s.open.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition })) : [],
    };
  }

  /**
   * Rebuilds the coordinator from the data directory (at start, before any client
   * connects): the transactional ids as kept, and the partitions' transaction state from
   * the stored batches; transactions a crash left open are aborted with a marker and their
   * transactional ids' epochs bumped.
   */
  recover(store: LogStore, producers: ProducerIds, now: number): void {
    for (const [id, r] of store.transactionalIds()) {
      this.#ids.set(id, { producerId: r.producerId, epoch: r.epoch, timeoutMs: r.timeoutMs, open: null });
      producers.reserve(r.producerId);
    }
    const abortedProducers = new Set<bigint>();
    for (const t of store.topics()) {
      for (let partition = 0; partition < t.partitions; partition++) {
        const log = store.partition(t.name, partition);
        if (!log) continue;
        const txns = this.#partition(t.name, partition);
        /** producer id -> epoch of an open transaction (its first offset is in txns.ongoing) */
        const epochs = new Map<bigint, number>();
        let offset = log.logStartOffset;
        while (offset < log.highWatermark) {
          const batches = log.read(offset, 1 << 20, true);
          if (batches.length === 0) break;
          for (const batch of batches) {
            const h = readBatchHeader(batch);
            offset = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n;
            if (!(h.attributes & Attr.transactional)) continue;
            if (h.attributes & Attr.control) {
              const first = txns.ongoing.get(h.producerId);
              txns.ongoing.delete(h.producerId);
              epochs.delete(h.producerId);
              const abort = decodeBatch(batch).records[0]?.key?.readInt16BE(2) === 0;
              if (abort && first !== undefined) txns.aborted.push({ producerId: h.producerId, firstOffset: first, lastOffset: h.baseOffset });
            } else if (!txns.ongoing.has(h.producerId)) {
              txns.ongoing.set(h.producerId, h.baseOffset);
              epochs.set(h.producerId, h.producerEpoch);
            }
          }
        }
        for (const [producerId, first] of txns.ongoing) {
          const { baseOffset } = log.append(controlBatch(producerId, epochs.get(producerId) ?? 0, false, now), now);
          txns.aborted.push({ producerId, firstOffset: first, lastOffset: baseOffset });
          abortedProducers.add(producerId);
        }
        txns.ongoing.clear();
      }
    }
    for (const [id, state] of [...this.#ids]) if (abortedProducers.has(state.producerId)) this.#bump(store, producers, id, state, state.timeoutMs);
  }

  /** Forgets a deleted topic's transaction state. */
  forgetTopic(topic: string): void {
    for (const k of [...this.#partitions.keys()]) if (k.startsWith(`${topic}\0`)) this.#partitions.delete(k);
  }

  /** Cancels the timeout timers (the broker is stopping). Idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const s of this.#ids.values()) if (s.open) clearTimeout(s.open.timer);
  }
}

/** A control batch with one commit or abort marker (key: version 0, type; value: version 0, coordinator epoch 0). */
function controlBatch(producerId: bigint, epoch: number, commit: boolean, now: number): Buffer {
  const k = Buffer.alloc(4);
  k.writeInt16BE(0, 0);
  k.writeInt16BE(commit ? 1 : 0, 2);
  const v = Buffer.alloc(6); // version 0, coordinator_epoch 0
  return encodeBatch({
    baseOffset: 0,
    lastOffsetDelta: 0,
    baseTimestamp: now,
    maxTimestamp: now,
    attributes: Attr.transactional | Attr.control,
    producerId,
    producerEpoch: epoch,
    baseSequence: -1,
    records: [{ offset: 0, timestamp: now, key: k, value: v, headers: [] }],
  });
}
