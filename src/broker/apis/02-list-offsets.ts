/**
 * ListOffsets (key 2), v0-7; flexible from v6. v0 (Kafka 3.9 served it, Kafka 4 does not)
 * asks with max_num_offsets and is answered with old_style_offsets: one offset, the answer
 * below (Kafka listed segment bases too; no client relies on more than the first).
 *
 * Timestamps: -2 earliest (log start), -1 latest (high watermark; also under read_committed
 * since there are no transactions), -3 (v7+) the offset of the record with the largest
 * timestamp (the log decodes only that batch), otherwise the first offset whose timestamp is >= the one asked,
 * or -1 when none. Not done: tiered-storage values -4/-5 (answered as latest).
 */
import type { ApiHandler } from './api.js';
import type { PartitionLog } from '../log/contract.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

interface Answer {
  partition: number;
  error: number;
  timestamp: bigint;
  offset: bigint;
}

export const listOffsets: ApiHandler = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: 6,
  handle(req, version, ctx) {
    const flex = version >= 6;
    req.int32(); // replica_id
    if (version >= 2) req.int8(); // isolation_level
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (r) => {
        const partition = r.int32();
        if (version >= 4) r.int32(); // current_leader_epoch
        const timestamp = r.int64();
        if (version === 0) r.int32(); // max_num_offsets
        r.tags(flex);
        const log = ctx.broker.store.partition(name, partition);
        return answer(partition, log, timestamp);
      });
      r.tags(flex);
      return { name, partitions };
    });
    req.tags(flex);

    const w = new Writer(64 + topics.length * 64);
    if (version >= 2) w.int32(0); // throttle_time_ms
    w.arr(flex, topics, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, p) => {
        w.int32(p.partition).int16(p.error);
        if (version === 0) {
          w.arr(flex, p.error === ErrorCode.NONE && p.offset >= 0n ? [p.offset] : [], (w, o) => w.int64(o));
          return;
        }
        w.int64(p.timestamp).int64(p.offset);
        if (version >= 4) w.int32(p.error === ErrorCode.NONE ? 0 : -1); // leader_epoch
        w.tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};

function answer(partition: number, log: PartitionLog | undefined, ts: bigint): Answer {
  if (!log) return { partition, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n };
  if (ts === -2n) return { partition, error: ErrorCode.NONE, timestamp: -1n, offset: log.logStartOffset };
  if (ts === -3n) return { partition, error: ErrorCode.NONE, ...log.offsetForTimestamp(-3n) };
  if (ts < 0n) return { partition, error: ErrorCode.NONE, timestamp: -1n, offset: log.highWatermark };
  const found = log.offsetForTimestamp(ts);
  return { partition, error: ErrorCode.NONE, timestamp: found.offset < 0n ? -1n : found.timestamp, offset: found.offset };
}
