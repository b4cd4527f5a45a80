/**
 * Idempotent producer state (kafka-protocol.md §3.11): producer id allocation, and per
 * (producerId, topic, partition) the sequences of the last 5 batches, so a retried batch is
 * acknowledged with its original offset and a gap is refused. Pure: no I/O, no clock.
 *
 * Like Kafka since 2.5, a producer the broker has no state for (e.g. after a broker restart)
 * is accepted at whatever sequence it sends, rather than refused with UNKNOWN_PRODUCER_ID.
 */
import { ErrorCode } from '../protocol/error-codes.js';

/** Batches remembered per producer and partition: the Java client's max in-flight under idempotence. */
export const PRODUCER_WINDOW = 5;
const INT32_MAX = 0x7fffffff;

interface BatchRecord {
  firstSeq: number;
  lastSeq: number;
  baseOffset: bigint;
}

interface ProducerPartitionState {
  epoch: number;
  /** oldest first, at most PRODUCER_WINDOW */
  batches: BatchRecord[];
  /** when the last batch was appended */
  at?: number;
}

/** The outcome of checking a produced batch's sequence. */
export type SequenceCheck =
  /** new and in order (or not idempotent): append it, then call `record` */
  | { kind: 'append' }
  /** a retry of a batch already appended: answer success with this base offset, append nothing */
  | { kind: 'duplicate'; baseOffset: bigint }
  /** refuse with this Kafka error code */
  | { kind: 'error'; code: number; message: string };

export interface ProducerStateOptions {
  /** first producer id handed out; by default derived from the clock so ids differ across restarts */
  firstProducerId?: bigint;
  /** most (producer, partition) entries kept; the least recently used go first */
  maxEntries?: number;
  /** clock for the last-append times DescribeProducers shows; default Date.now */
  now?: () => number;
}

/** One producer writing a partition, as DescribeProducers reports it. */
export interface ActiveProducer {
  producerId: bigint;
  epoch: number;
  lastSequence: number;
  lastTimestamp: number;
}

function nextSeq(seq: number, count: number): number {
  // Sequences wrap from INT32_MAX back to 0.
  const n = seq + count;
  return n > INT32_MAX ? n - INT32_MAX - 1 : n;
}

export class ProducerStateManager {
  #nextId: bigint;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** key: `${producerId}\0${topic}\0${partition}`; Map order doubles as LRU order */
  readonly #entries = new Map<string, ProducerPartitionState>();

  constructor(options: ProducerStateOptions = {}) {
    // Ids from a clock reading: a producer that survived a broker restart keeps its old id,
    // and must not share it with a new producer.
    this.#nextId = options.firstProducerId ?? BigInt(Date.now()) * 1000n;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** The producers with state for one partition. */
  producersOf(topic: string, partition: number): ActiveProducer[] {
    const out: ActiveProducer[] = [];
    const suffix = `\0${topic}\0${partition}`;
    for (const [k, state] of this.#entries) {
      if (!k.endsWith(suffix) || k.length - suffix.length !== k.indexOf('\0')) continue;
      const last = state.batches[state.batches.length - 1];
      out.push({ producerId: BigInt(k.slice(0, k.indexOf('\0'))), epoch: state.epoch, lastSequence: last?.lastSeq ?? -1, lastTimestamp: state.at ?? -1 });
    }
    return out;
  }

  /** A fresh producer id with epoch 0 (InitProducerId without a transactional id). */
  initProducerId(): { producerId: bigint; producerEpoch: number } {
    return { producerId: this.#nextId++, producerEpoch: 0 };
  }

  /** Hands out only ids above `producerId` from now on (one kept with the data directory is taken). */
  reserve(producerId: bigint): void {
    if (this.#nextId <= producerId) this.#nextId = producerId + 1n;
  }

  /**
   * Checks a batch's (producerId, epoch, baseSequence) against what this partition has seen.
   * `recordCount` is the batch's number of records. A producerId of -1 is not idempotent.
   */
  check(
    topic: string,
    partition: number,
    producerId: bigint,
    producerEpoch: number,
    baseSequence: number,
    recordCount: number,
  ): SequenceCheck {
    if (producerId < 0n || baseSequence < 0) return { kind: 'append' };
    const state = this.#entries.get(key(producerId, topic, partition));
    if (!state) return { kind: 'append' };
    if (producerEpoch < state.epoch) {
      return {
        kind: 'error',
        code: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${producerId} epoch ${producerEpoch} is older than the current epoch ${state.epoch}`,
      };
    }
    if (producerEpoch > state.epoch) {
      if (baseSequence === 0) return { kind: 'append' };
      return {
        kind: 'error',
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${producerId} started epoch ${producerEpoch} at sequence ${baseSequence}, not 0`,
      };
    }
    const lastSeq = nextSeq(baseSequence, recordCount - 1);
    for (const b of state.batches) {
      if (b.firstSeq === baseSequence && b.lastSeq === lastSeq) return { kind: 'duplicate', baseOffset: b.baseOffset };
    }
    const latest = state.batches[state.batches.length - 1];
    if (latest && baseSequence !== nextSeq(latest.lastSeq, 1)) {
      return {
        kind: 'error',
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${producerId} sent sequence ${baseSequence} to ${topic}-${partition}; expected ${nextSeq(latest.lastSeq, 1)}`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (after `check` said 'append' and the log accepted it). */
  record(
    topic: string,
    partition: number,
    producerId: bigint,
    producerEpoch: number,
    baseSequence: number,
    recordCount: number,
    baseOffset: bigint,
  ): void {
    if (producerId < 0n || baseSequence < 0) return;
    const k = key(producerId, topic, partition);
    let state = this.#entries.get(k);
    if (state) this.#entries.delete(k); // re-inserted below: most recently used last
    if (!state || producerEpoch !== state.epoch) state = { epoch: producerEpoch, batches: [] };
    state.at = this.#now();
    state.batches.push({ firstSeq: baseSequence, lastSeq: nextSeq(baseSequence, recordCount - 1), baseOffset });
    if (state.batches.length > PRODUCER_WINDOW) state.batches.shift();
    this.#entries.set(k, state);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets every producer's state for a topic (deleted or re-created). */
  forgetTopic(topic: string): void {
    for (const k of this.#entries.keys()) if (k.split('\0')[1] === topic) this.#entries.delete(k);
  }

  /** Number of (producer, partition) entries held. */
  get size(): number {
    return this.#entries.size;
  }
}

function key(producerId: bigint, topic: string, partition: number): string {
  return `${producerId}\0${topic}\0${partition}`;
}
