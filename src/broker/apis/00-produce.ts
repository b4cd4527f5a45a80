/**
 * Produce (key 0), v0-11; flexible from v9.
 *
 * v0-2 (Kafka 3.9 served them; Kafka 4 does not) carry a message set of magic 0 or 1
 * (log/legacy-records.ts): it is converted, as Kafka 3.x did, to one uncompressed
 * RecordBatch v2 (gzip, snappy and lz4 wrappers are decompressed; magic 0 messages get no
 * timestamp), then appended like any batch. A message set that cannot be read gets
 * CORRUPT_MESSAGE for its partition. From v3 each partition's records must be one RecordBatch v2:
 * header checks and CRC-32C (validateProducedBatch), no decompression, no record decoding;
 * the batch is stored as sent with its base offset rewritten. Idempotent producers get
 * per-partition sequence checks (duplicate -> original offset, gap ->
 * OUT_OF_ORDER_SEQUENCE_NUMBER). Unknown topics are auto-created when the broker allows it.
 * acks 0: no response (an error closes the connection so the producer notices);
 * acks 1 and -1 behave alike on a single node. One `broker.append` event per partition,
 * attributed to the connection's owner and, for small uncompressed batches, carrying the
 * records' traceparent headers. Broker faults: a produce error set for the topic answers
 * every partition with it and appends nothing; a delivery delay records the append time.
 * Topic configs: the topic's max.message.bytes; a compacted topic refuses a record without a
 * key (INVALID_RECORD, records decoded for compacted topics only); LogAppendTime topics get
 * the append time back (the log stamps the batch).
 * Transactional batches: the producer must be its transactional id's current one
 * (INVALID_PRODUCER_EPOCH when fenced) and have added the partition to its open transaction
 * (INVALID_TXN_STATE otherwise); the first such batch sets the partition's last stable offset.
 * Not done: per-record errors (record_errors is always empty).
 */
import type { BrokerEvent } from '../../core/events/index.js';
import type { ApiHandler, RequestContext } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { validateProducedBatch, BatchField, Attr } from '../log/batch.js';
import { resolveTopicForWrite } from './topic-lookup.js';
import { messageSetToBatch } from '../log/legacy-records.js';
import { reportRefusal } from './produce-refusals.js';
import { decodeBatch } from '../log/records.js';
import { MAX_TRACED_RECORDS, traceparentsOf } from '../tracing/traceparents.js';

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
  /** the error is a broker fault the user set */
  injected?: boolean;
}

export const produce: ApiHandler = {
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  firstFlexibleVersion: 9,
  handle(req, version, ctx) {
    const flex = version >= 9;
    const transactionalId = version >= 3 ? req.nullableStr(flex) : null;
    const acks = req.int16();
    req.int32(); // timeout_ms
    let failed = false;
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (r) => {
        const index = r.int32();
        const records = r.nullableBytesF(flex);
        r.tags(flex);
        const result = append(ctx, version, name, index, records, transactionalId);
        if (result.error !== ErrorCode.NONE) {
          failed = true;
          if (!result.injected) reportRefusal(ctx, version, name, index, result.error);
        }
        return result;
      });
      r.tags(flex);
      return { name, partitions };
    });
    req.tags(flex);

    if (acks === 0) {
      if (failed) throw new Error('a produce with acks=0 failed (see the partition errors a acks=1 producer would get)');
      return null;
    }
    const w = new Writer(64 + topics.length * 64);
    w.arr(flex, topics, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, p) => {
        w.int32(p.index).int16(p.error).int64(p.baseOffset);
        if (version >= 2) w.int64(p.logAppendTime);
        if (version >= 5) w.int64(p.logStartOffset);
        if (version >= 8) w.arr(flex, [], () => {}).nullableStr(flex, null); // record_errors, error_message
        w.tags(flex);
      });
      w.tags(flex);
    });
    if (version >= 1) w.int32(0); // throttle_time_ms
    return w.tags(flex);
  },
};

function append(ctx: RequestContext, version: number, topic: string, index: number, produced: Buffer | null, transactionalId: string | null): PartitionResult {
  let records = produced;
  const b = ctx.broker;
  const fail = (error: number): PartitionResult => ({ index, error, baseOffset: -1n, logAppendTime: -1n, logStartOffset: -1n });
  const faults = b.faults?.state ? b.faults : undefined;
  if (faults) {
    const injected = faults.produceError(topic);
    if (injected !== ErrorCode.NONE) return { ...fail(injected), injected: true };
  }
  const { error, info } = resolveTopicForWrite(ctx, topic, true);
  if (!info) return fail(error);
  const log = b.store.partition(topic, index);
  if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records) return fail(ErrorCode.CORRUPT_MESSAGE);
  if (version < 3) {
    const converted = messageSetToBatch(records);
    if ('error' in converted) return fail(converted.error);
    records = converted.batch;
  }
  const invalid = validateProducedBatch(records, { produceVersion: version, maxMessageBytes: log.maxMessageBytes });
  if (invalid !== ErrorCode.NONE) return fail(invalid);
  // Kafka: "Compacted topic cannot accept message without key" (records decoded for compacted topics only)
  if (log.requiresKeys && hasKeylessRecord(records)) return fail(ErrorCode.INVALID_RECORD);

  const producerId = records.readBigInt64BE(BatchField.producerId);
  const count = records.readInt32BE(BatchField.recordCount);
  let epoch = 0;
  let firstSeq = 0;
  const transactional = (records.readInt16BE(BatchField.attributes) & Attr.transactional) !== 0;
  if (producerId >= 0n) {
    epoch = records.readInt16BE(BatchField.producerEpoch);
    firstSeq = records.readInt32BE(BatchField.baseSequence);
    if (transactional) {
      const txnError = b.transactions.checkProduce(transactionalId, producerId, epoch, topic, index);
      if (txnError !== ErrorCode.NONE) return fail(txnError);
    }
    const seq = b.producers.check(topic, index, producerId, epoch, firstSeq, count);
    if (seq.kind === 'error') return fail(seq.code);
    if (seq.kind === 'duplicate') {
      return { index, error: ErrorCode.NONE, baseOffset: seq.baseOffset, logAppendTime: -1n, logStartOffset: log.logStartOffset };
    }
  }
  const now = b.now();
  const result = log.append(records, now);
  if (producerId >= 0n) b.producers.record(topic, index, producerId, epoch, firstSeq, count, result.baseOffset);
  if (transactional && transactionalId !== null) b.transactions.appended(transactionalId, topic, index, producerId, result.baseOffset);
  faults?.appended(topic, index, result.baseOffset, now);
  const event: Extract<BrokerEvent, { type: 'broker.append' }> = {
    type: 'broker.append',
    topic,
    partition: index,
    baseOffset: Number(result.baseOffset),
    count,
    bytes: records.length,
    clientId: ctx.clientId ?? '',
    ts: now,
  };
  if (count <= MAX_TRACED_RECORDS) {
    const traceparents = traceparentsOf(records);
    if (traceparents) event.traceparents = traceparents;
  }
  if (ctx.client) ctx.client.publishAppend(event);
  else b.publish(event);
  return { index, error: ErrorCode.NONE, baseOffset: result.baseOffset, logAppendTime: result.logAppendTime, logStartOffset: result.logStartOffset };
}

/** Whether a batch holds a record without a key (or cannot be decoded, which is as bad here). */
function hasKeylessRecord(batch: Buffer): boolean {
  try {
    return decodeBatch(batch).records.some((r) => r.key === null);
  } catch {
    return true;
  }
}
