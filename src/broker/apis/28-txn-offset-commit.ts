/**
 * TxnOffsetCommit (key 28), v0-3; flexible from v3.
 *
 * Stages a group's offsets in the producer's open transaction (after AddOffsetsToTxn):
 * OffsetFetch sees them only once EndTxn commits; an abort drops them. v3's generation and
 * member id are read but not checked against the group (Kafka fences zombie consumers
 * with them; a dev broker accepts). A fenced producer gets INVALID_PRODUCER_EPOCH, a
 * transaction not open INVALID_TXN_STATE, an unknown partition UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const txnOffsetCommit: ApiHandler = {
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  handle(req, version, ctx) {
    const flex = version >= 3;
    const transactionalId = req.str(flex);
    const groupId = req.str(flex);
    const producerId = req.int64();
    const epoch = req.int16();
    if (version >= 3) {
      req.int32(); // generation_id
      req.str(flex); // member_id
      req.nullableStr(flex); // group_instance_id
    }
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (r) => {
        const partition = r.int32();
        const offset = r.int64();
        const leaderEpoch = version >= 2 ? r.int32() : -1;
        const metadata = r.nullableStr(flex);
        r.tags(flex);
        return { partition, offset, leaderEpoch, metadata };
      });
      r.tags(flex);
      return { name, partitions };
    });
    req.tags(flex);
    const staged = topics.flatMap((t) => t.partitions.map((p) => ({ groupId, topic: t.name, ...p })));
    const errors = ctx.broker.transactions.stageOffsets(ctx.broker, transactionalId, producerId, epoch, staged);
    let i = 0;
    const w = new Writer(64 + staged.length * 8);
    w.int32(0); // throttle_time_ms
    w.arr(flex, topics, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, p) => {
        w.int32(p.partition).int16(errors[i++]!).tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
