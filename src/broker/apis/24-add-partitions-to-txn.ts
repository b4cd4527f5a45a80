/**
 * AddPartitionsToTxn (key 24), v0-3; flexible from v3.
 *
 * Adds partitions to the producer's open transaction (opening one if none), so that its
 * transactional produce to them is accepted and EndTxn writes markers to them. A producer
 * that is not the transactional id's current one gets INVALID_PRODUCER_EPOCH (fenced) or
 * INVALID_PRODUCER_ID_MAPPING; an unknown partition UNKNOWN_TOPIC_OR_PARTITION (the other
 * partitions of that topic OPERATION_NOT_ATTEMPTED). Not done: v4+ (KIP-890 batched
 * requests from brokers).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { readTxnProducer, TXN_API_VERSIONS } from './txn-request.js';

export const addPartitionsToTxn: ApiHandler = {
  key: 24,
  name: 'AddPartitionsToTxn',
  ...TXN_API_VERSIONS,
  handle(req, version, ctx) {
    const flex = version >= TXN_API_VERSIONS.firstFlexibleVersion;
    const { transactionalId, producerId, epoch } = readTxnProducer(req, flex);
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (r) => r.int32());
      r.tags(flex);
      return { name, partitions };
    });
    req.tags(flex);
    const b = ctx.broker;
    const results = topics.map((t) => {
      const errors = b.transactions.addPartitions(b, transactionalId, producerId, epoch, t.name, t.partitions);
      return { name: t.name, partitions: t.partitions.map((p, i) => ({ p, error: errors[i]! })) };
    });
    const w = new Writer(64 + topics.length * 32);
    w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, { p, error }) => {
        w.int32(p).int16(error).tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
