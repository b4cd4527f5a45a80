/**
 * The broker's ProducerIds: id allocation and epochs here, sequence windows in the log's
 * ProducerStateManager (last five batches per producer and partition; duplicates answered
 * with their original offset, gaps refused). A KIP-360 epoch bump keeps the producer's id;
 * the transaction coordinator bumps a transactional id's epoch the same way.
 * Sequences are in memory only: after a restart, producers are accepted from whatever
 * sequence they send.
 */
import type { ProducerIds, SequenceCheck } from './api.js';
import { ProducerStateManager, type ActiveProducer } from '../log/producer-state.js';

const MAX_EPOCH = 32766;

export class MemoryProducerIds implements ProducerIds {
  readonly #state = new ProducerStateManager();

  init(current: { producerId: bigint; epoch: number } | null): { producerId: bigint; epoch: number } {
    if (current && current.epoch < MAX_EPOCH) return { producerId: current.producerId, epoch: current.epoch + 1 };
    return this.#fresh();
  }

  reserve(producerId: bigint): void {
    this.#state.reserve(producerId);
  }

  #fresh(): { producerId: bigint; epoch: number } {
    const { producerId, producerEpoch } = this.#state.initProducerId();
    return { producerId, epoch: producerEpoch };
  }

  check(topic: string, partition: number, producerId: bigint, epoch: number, firstSeq: number, count: number): SequenceCheck {
    return this.#state.check(topic, partition, producerId, epoch, firstSeq, count);
  }

  record(topic: string, partition: number, producerId: bigint, epoch: number, firstSeq: number, count: number, baseOffset: bigint): void {
    this.#state.record(topic, partition, producerId, epoch, firstSeq, count, baseOffset);
  }

  /** Producers with state for one partition (DescribeProducers). */
  producersOf(topic: string, partition: number): ActiveProducer[] {
    return this.#state.producersOf(topic, partition);
  }

  /** Forgets a deleted topic's sequences. */
  forgetTopic(topic: string): void {
    this.#state.forgetTopic(topic);
  }
}
