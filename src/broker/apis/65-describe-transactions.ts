/**
 * DescribeTransactions (key 65), v0; flexible.
 *
 * A transactional id InitProducerId has seen is reported in state "Ongoing" (with the
 * partitions of its open transaction and when it started) or "Empty", with its producer
 * id, epoch and timeout; any other id gets TRANSACTIONAL_ID_NOT_FOUND, as from Kafka.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const describeTransactions: ApiHandler = {
  key: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  handle(req, _version, ctx) {
    const ids = req.compactArray((r) => r.compactString());
    req.tags(true);
    const w = new Writer(64 + ids.length * 64);
    w.int32(0); // throttle_time_ms
    w.compactArray(ids, (w, id) => {
      const known = ctx.broker.transactions.describe(id);
      w.int16(known ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND).compactString(id);
      w.compactString(known?.state ?? '').int32(known?.timeoutMs ?? -1).int64(BigInt(known?.startedAt ?? -1));
      w.int64(known?.producerId ?? -1n).int16(known?.epoch ?? -1);
      const topics = [...new Set((known?.partitions ?? []).map((p) => p.topic))];
      w.compactArray(topics, (w, t) => {
        w.compactString(t).compactArray(
          known!.partitions.filter((p) => p.topic === t),
          (w, p) => w.int32(p.partition),
        );
        w.tags(true);
      });
      w.tags(true);
    });
    return w.tags(true);
  },
};
