/**
 * The interface between the connection layer and the per-API handler files.
 *
 * A handler reads the request body (after the request header) and returns the response
 * body. The connection layer writes the size prefix and the response header (correlation
 * id, and the tagged-field byte for flexible versions except ApiVersions), so handlers
 * never deal with framing.
 */
import type { BrokerEvent } from '../../core/events/index.js';
import type { LogStore, TopicInfo } from '../log/contract.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';
import type { FaultGate } from '../faults/fault-gate.js';
import type { ConnectionClient } from '../attribution/connection-client.js';
import type { TransactionCoordinator } from './transactions.js';

export interface ApiHandler {
  key: number;
  name: string;
  /** lowest version advertised in ApiVersions (may be below what is implemented, see kafka-protocol.md §2.2) */
  minVersion: number;
  maxVersion: number;
  /**
   * Lowest version actually decoded; requests in [minVersion, minImplemented) close the
   * connection, as Kafka 4 does for Produce v0-2. Defaults to minVersion.
   */
  minImplemented?: number;
  /** first flexible (KIP-482) version; Infinity if none */
  firstFlexibleVersion: number;
  /** Returns the response body, or null for no response (Produce with acks=0). */
  handle(req: Reader, version: number, ctx: RequestContext): Writer | null | Promise<Writer | null>;
}

/** The broker-wide settings handlers read. */
export interface BrokerSettings {
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly maxRequestBytes: number;
  /** per partition, in bytes */
  readonly retentionBytes: number;
  readonly retentionMs: number;
  /** largest record batch accepted (max.message.bytes) */
  readonly maxMessageBytes: number;
}

/** What the sequence check says about one produced batch of an idempotent producer. */
export type SequenceCheck =
  | { kind: 'append' }
  /** a retry of a batch already appended: answer with its original base offset */
  | { kind: 'duplicate'; baseOffset: bigint }
  | { kind: 'error'; code: number; message?: string };

/** The state of idempotent producers (InitProducerId hands out ids, Produce checks sequences). */
export interface ProducerIds {
  /**
   * A new producer id with epoch 0, or the next epoch of `current` (KIP-360: a producer
   * bumping its own epoch; the coordinator bumping a transactional id's). A fresh id once
   * the epoch is exhausted.
   */
  init(current: { producerId: bigint; epoch: number } | null): { producerId: bigint; epoch: number };
  /** Never hands out `producerId` or below again (a transactional id kept with the data directory has it). */
  reserve(producerId: bigint): void;
  /** Checks a batch's producer epoch and sequence against what this partition saw before. */
  check(topic: string, partition: number, producerId: bigint, epoch: number, firstSeq: number, count: number): SequenceCheck;
  /** The producers with state for one partition (DescribeProducers). */
  producersOf(topic: string, partition: number): { producerId: bigint; epoch: number; lastSequence: number; lastTimestamp: number }[];
  /** Records an appended batch (after `check` said append). */
  record(topic: string, partition: number, producerId: bigint, epoch: number, firstSeq: number, count: number, baseOffset: bigint): void;
}

export interface BrokerContext {
  readonly nodeId: number;
  /** advertised host, e.g. 127.0.0.1 */
  readonly host: string;
  /** the port actually bound */
  readonly port: number;
  readonly clusterId: string;
  readonly store: LogStore;
  readonly groups: GroupCoordinator;
  readonly options: BrokerSettings;
  readonly producers: ProducerIds;
  /** transactional ids, open transactions, last stable offsets */
  readonly transactions: TransactionCoordinator;
  publish(e: BrokerEvent): void;
  now(): number;
  /**
   * Creates a topic and publishes `broker.topic.created`; `auto` marks an auto-creation.
   * Throws like LogStore.createTopic when it exists.
   */
  createTopic(name: string, partitions: number, auto: boolean, configs?: Readonly<Record<string, string>>): TopicInfo;
  /** Deletes a topic and publishes `broker.topic.deleted`; false when absent. */
  deleteTopic(name: string): boolean;
  /** broker faults in force (produce errors, delayed delivery, paused groups); absent: none */
  readonly faults?: FaultGate;
}

export interface RequestContext {
  readonly broker: BrokerContext;
  readonly clientId: string | null;
  /** "127.0.0.1:53123" */
  readonly remote: string;
  readonly connectionId: number;
  /** aborted when the connection closes (cancel parked fetches, held joins) */
  readonly signal: AbortSignal;
  /** the client behind the connection (owner, groups) and its attributed events; absent in bare tests */
  readonly client?: ConnectionClient;
  /**
   * Reports an error answer that clients commonly misreport (a produce refused: the client
   * often shows only a timeout), as one bounded `broker.client.error`; absent in bare tests.
   */
  readonly problem?: (p: { kind: 'refused' | 'unsupported-feature'; api: string; version: number; message: string; hint: string }) => void;
}

/** Whether `version` of `api` uses flexible (compact + tagged) encoding. */
export function isFlexible(api: ApiHandler, version: number): boolean {
  return version >= api.firstFlexibleVersion;
}
