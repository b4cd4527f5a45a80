/**
 * DescribeProducers (key 61), v0; flexible.
 *
 * The idempotent producers with state on each partition asked: id, epoch, last sequence
 * and the time of their last append (kept in memory, for the last batches of each
 * producer; none after a restart). No transactions here, so coordinator_epoch is -1 and
 * current_txn_start_offset -1. Unknown partition: UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const describeProducers: ApiHandler = {
  key: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  handle(req, _version, ctx) {
    const topics = req.compactArray((r) => {
      const name = r.compactString();
      const partitions = r.compactArray((p) => p.int32());
      r.tags(true);
      return { name, partitions };
    });
    req.tags(true);
    const b = ctx.broker;
    const w = new Writer(128);
    w.int32(0); // throttle_time_ms
    w.compactArray(topics, (w, t) => {
      w.compactString(t.name);
      w.compactArray(t.partitions, (w, p) => {
        const known = b.store.partition(t.name, p) !== undefined;
        w.int32(p).int16(known ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).compactNullableString(null);
        w.compactArray(known ? b.producers.producersOf(t.name, p) : [], (w, s) => {
          w.int64(s.producerId).int32(s.epoch).int32(s.lastSequence).int64(BigInt(s.lastTimestamp)).int32(-1).int64(-1n).tags(true);
        });
        w.tags(true);
      });
      w.tags(true);
    });
    return w.tags(true);
  },
};
